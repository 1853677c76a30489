"""A TCP forwarder between the gateway and the upstream simulator that a fault script can shut: while it is
down nothing listens on its port, so the gateway's connections are refused, and the connections it had are
cut. The simulator behind it keeps running and keeps its tasks. Loopback only; Python standard library.
"""
import socket
import threading


class UpstreamGate:
    def __init__(self, target_port, port):
        self.target_port = target_port
        self.port = port
        self.lock = threading.Lock()
        self.listener = None
        self.connections = []
        self.windows = 0

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/kling"

    def open(self):
        with self.lock:
            if self.listener is not None:
                return
            listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind(("127.0.0.1", self.port))
            listener.listen(128)
            self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def close(self):
        """Stops listening (new connections are refused) and cuts the open ones."""
        with self.lock:
            listener, self.listener = self.listener, None
            connections, self.connections = self.connections, []
            if listener is not None:
                self.windows += 1
        if listener is not None:
            try:
                listener.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            listener.close()
        for connection in connections:
            try:
                connection.close()
            except OSError:
                pass

    def refuses(self):
        """True when a connection to the gate is refused right now (what the gateway sees)."""
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return False
        except ConnectionRefusedError:
            return True
        except OSError:
            return False

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # closed
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            with self.lock:
                if self.listener is not listener:
                    client.close()
                    upstream.close()
                    return
                self.connections += [client, upstream]
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client), daemon=True).start()

    def _pump(self, source, sink):
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                sink.sendall(data)
        except OSError:
            pass
        for side in (source, sink):
            try:
                side.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        with self.lock:
            for side in (source, sink):
                if side in self.connections:
                    self.connections.remove(side)
                    side.close()
