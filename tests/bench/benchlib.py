"""Shared helpers for the bench scripts: JSON calls, and starting/stopping Cairn or PocketBase
on a loopback port with a fresh data dir and a superuser."""
import http.client, json, os, shutil, signal, socket, subprocess, tempfile, time

EMAIL, PASSWORD = "bench@example.com", "benchpassword1"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(conn_or_port, method, path, body=None, token=None):
    """One JSON request; `conn_or_port` is an open HTTPConnection (keep-alive) or a port."""
    conn = conn_or_port if isinstance(conn_or_port, http.client.HTTPConnection) else http.client.HTTPConnection("127.0.0.1", conn_or_port, timeout=120)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = token
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    resp = conn.getresponse()
    data = resp.read()
    if resp.status >= 300 and resp.status != 204:
        raise RuntimeError(f"{method} {path} -> {resp.status} {data[:300]!r}")
    return json.loads(data) if data else None


class Server:
    """A server process (`kind` is "cairn" or "pocketbase") on `port` with a temp data dir and
    `env` added to its environment."""

    def __init__(self, kind, binary, port=None, env=None):
        self.kind, self.port = kind, port or free_port()
        self.dir = tempfile.mkdtemp(prefix=f"bench-{kind}-")
        subprocess.run([binary, "superuser", "upsert", EMAIL, PASSWORD, "--dir", self.dir], check=True, capture_output=True)
        cmd = [binary, "serve", "--http", f"127.0.0.1:{self.port}", "--dir", self.dir]
        cmd += ["--log", "warn"] if kind == "cairn" else ["--automigrate=false"]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, **(env or {})})
        for _ in range(600):
            try:
                call(self.port, "GET", "/api/health")
                return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"{kind} did not become healthy")

    def token(self):
        return call(self.port, "POST", "/api/collections/_superusers/auth-with-password", {"identity": EMAIL, "password": PASSWORD})["token"]

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        shutil.rmtree(self.dir, ignore_errors=True)
