import Kling
