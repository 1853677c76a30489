import ArgumentParser

await Omnimeter.main()
