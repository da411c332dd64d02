#!/usr/bin/env python3
"""N strobe replicas on loopback behind nginx (Debian's, grpc_pass, HTTP/2 end to end).

    python3 deploy/local/cluster.py up --replicas 3 [--base-port 54000]   # runs until Ctrl-C

Replica i listens on BASE+1+i (gRPC) and BASE+101+i (/metrics); nginx on BASE. Used by
scenarios.py (the CI tests). Python 3 standard library only.
"""

import argparse
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

NGINX_CONF = """
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log {dir}/nginx-access.log;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    upstream strobe {{
        # One connection per request (no keepalive): a draining replica closes its listening socket,
        # so the next request's connect is refused and nginx tries the next replica.
        {servers}
    }}
    server {{
        listen 127.0.0.1:{port} http2;
        http2_max_concurrent_streams 256;
        client_max_body_size 8m;
        location / {{
            grpc_pass grpc://strobe;
            grpc_connect_timeout 2s;
            # Gaps between messages of one stream (a queued request waits before its first preview).
            grpc_read_timeout 300s;
            grpc_send_timeout 300s;
            grpc_next_upstream error timeout;
            grpc_next_upstream_tries 3;
            grpc_buffer_size 64k;
        }}
    }}
}}
"""


def wait_port(port, timeout=180):
    end = time.time() + timeout
    while time.time() < end:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError("nothing listens on 127.0.0.1:%d after %d s" % (port, timeout))


class Replica:
    def __init__(self, index, base, workdir, extra):
        self.index, self.port, self.metrics_port = index, base + 1 + index, base + 101 + index
        self.log = os.path.join(workdir, "replica-%d.log" % index)
        self.extra, self.proc, self.starts = list(extra), None, 0
        open(self.log, "w").close()  # wait_serving counts this run's start lines

    def start(self):
        args = [os.path.join(ROOT, "strobe"), "serve", "--host", "127.0.0.1", "--port", str(self.port),
                "--metrics-host", "127.0.0.1", "--metrics-port", str(self.metrics_port),
                "--models", os.path.join(ROOT, "target", "deploy-models"), "--http-port", "-1", "--drain-delay", "2s",
                "--drain-timeout", "60s"] + self.extra
        env = dict(os.environ, STROBE_JAVA_OPTS=os.environ.get("STROBE_JAVA_OPTS", "-Xmx1g"))
        self.proc = subprocess.Popen(args, stdout=open(self.log, "a"), stderr=subprocess.STDOUT, env=env)
        return self

    def wait_serving(self, timeout=240):
        end = time.time() + timeout
        while time.time() < end:
            if self.proc.poll() is not None:
                raise RuntimeError("replica %d exited %d; see %s" % (self.index, self.proc.returncode, self.log))
            with open(self.log) as f:
                if f.read().count("strobe listening on port") >= self.starts:
                    return
            time.sleep(0.3)
        raise RuntimeError("replica %d did not start; see %s" % (self.index, self.log))

    def metrics(self):
        with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % self.metrics_port, timeout=10) as r:
            return r.read().decode()

    def requests(self, code="OK"):
        """strobe_requests_total for one status code, summed over models."""
        total = 0.0
        for m in re.finditer(r'^strobe_requests_total\{([^}]*)\} ([0-9.eE+]+)$', self.metrics(), re.M):
            if 'code="%s"' % code in m.group(1):
                total += float(m.group(2))
        return total

    def gauge(self, name):
        """A gauge of /metrics (for example strobe_open_streams), summed over its labels."""
        total = 0.0
        for m in re.finditer(r'^%s(?:\{[^}]*\})? ([0-9.eE+-]+)$' % re.escape(name), self.metrics(), re.M):
            total += float(m.group(1))
        return total

    def signal(self, sig):
        self.proc.send_signal(sig)

    def wait_exit(self, timeout=120):
        return self.proc.wait(timeout)


class Cluster:
    def __init__(self, replicas=3, base=54000, workdir=None, extra=None):
        self.base = base
        self.workdir = workdir or os.path.join(ROOT, "target", "deploy-local")
        os.makedirs(self.workdir, exist_ok=True)
        extra = extra or {}
        self.replicas = [Replica(i, base, self.workdir, extra.get(i, [])) for i in range(replicas)]
        self.nginx = None

    @property
    def balancer(self):
        return "127.0.0.1:%d" % self.base

    @property
    def direct(self):
        return ",".join("127.0.0.1:%d" % r.port for r in self.replicas)

    def start(self):
        models = os.path.join(ROOT, "target", "deploy-models")
        if not os.path.isdir(models):  # once, before the replicas, which would race to write them
            subprocess.run([os.path.join(ROOT, "strobe"), "make-models", "--out", models], check=True,
                           stdout=subprocess.DEVNULL)
        for r in self.replicas:
            r.starts += 1
            r.start()
        for r in self.replicas:
            r.wait_serving()
        self.start_nginx()
        return self

    def restart(self, replica):
        replica.starts += 1
        replica.start()
        replica.wait_serving()

    def start_nginx(self):
        for d in ("body", "proxy"):
            os.makedirs(os.path.join(self.workdir, d), exist_ok=True)
        servers = "\n        ".join("server 127.0.0.1:%d max_fails=1 fail_timeout=5s;" % r.port
                                   for r in self.replicas)
        conf = os.path.join(self.workdir, "nginx.conf")
        with open(conf, "w") as f:
            f.write(NGINX_CONF.format(dir=self.workdir, servers=servers, port=self.base))
        nginx = os.environ.get("NGINX", "/usr/sbin/nginx")
        self.nginx = subprocess.Popen([nginx, "-c", conf, "-g", "daemon off;"], stderr=subprocess.STDOUT,
                                      stdout=open(os.path.join(self.workdir, "nginx.out"), "a"))
        wait_port(self.base, 30)

    def stop(self):
        if self.nginx and self.nginx.poll() is None:
            self.nginx.terminate()
            self.nginx.wait(30)
        for r in self.replicas:
            if r.proc and r.proc.poll() is None:
                r.proc.terminate()
        for r in self.replicas:
            if r.proc:
                try:
                    r.proc.wait(90)
                except subprocess.TimeoutExpired:
                    r.proc.kill()


def main(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("command", choices=["up"])
    p.add_argument("--replicas", type=int, default=3)
    p.add_argument("--base-port", type=int, default=54000)
    a = p.parse_args(argv)
    cluster = Cluster(a.replicas, a.base_port).start()
    print("nginx on %s; replicas %s (metrics on ports %s)" % (
        cluster.balancer, cluster.direct, ",".join(str(r.metrics_port) for r in cluster.replicas)), flush=True)
    try:
        signal.sigwait({signal.SIGINT, signal.SIGTERM})
    finally:
        cluster.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
