"""The production shape's reverse proxy: Debian's nginx, configured and run by the launcher.

nginx rather than Caddy: Caddy is not in Debian bookworm's main archive, nginx is, and it is the
proxy operations staff are most likely to know. The launcher writes the configuration into the
proxy's folder (var/production/proxy) and runs nginx in the foreground as its own child: pid
file, temporary files and logs stay in var/, nothing of /etc/nginx is used.

- HTTPS on PROXY_HTTPS_PORT (TLS 1.2/1.3, HSTS); plain HTTP on PROXY_HTTP_PORT only redirects.
- The backend workers are one upstream, in round robin; a worker that refuses connections is
  skipped (a request not yet sent goes to the next worker).
- X-Forwarded-For is the socket peer, replacing whatever the client sent; X-Forwarded-Proto
  and X-Request-ID (nginx's own per-request id) are set too. The access log is one JSON object
  a line with that request id and the worker that answered, and no query strings.
- An internal plain-HTTP listener on loopback (PROXY_INTERNAL_PORT) gives the action server the
  same workers without TLS; there the caller's X-Request-ID (the chat turn's) is kept.
"""

import shutil
from pathlib import Path

from launcher.local_servers import MissingServer
from launcher.services import Service
from launcher.tls import Certificate

MAX_BODY = "64k"
TEMP_KINDS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")

_LOG_FORMAT = (
    '{"time":"$time_iso8601","request_id":"$celia_request_id","listener":"$server_port",'
    '"client":"$remote_addr",'
    '"method":"$request_method","path":"$uri","status":$status,'
    '"upstream":"$upstream_addr","upstream_status":"$upstream_status",'
    '"request_seconds":$request_time,"upstream_seconds":"$upstream_response_time",'
    '"bytes_sent":$body_bytes_sent}'
)

_PROXY_TO_WORKERS = """
        location / {{
            proxy_pass http://backend_workers;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Forwarded-Proto {scheme};
            proxy_set_header X-Request-ID $celia_request_id;
            proxy_hide_header X-Request-ID;  # the worker echoes it; the server block adds it
            proxy_connect_timeout 2s;
            proxy_read_timeout 60s;
        }}"""


def nginx_config(
    root: Path,
    log_dir: Path,
    certificate: Certificate,
    listen: str,
    http_port: int,
    https_port: int,
    internal_port: int,
    worker_ports: tuple[int, ...],
) -> str:
    """nginx.conf for the proxy whose pid and temporary files live in `root`."""
    upstreams = "\n".join(
        f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=2s;" for port in worker_ports
    )
    temp = "\n".join(f"    {kind}_temp_path {root / 'tmp' / kind};" for kind in TEMP_KINDS)
    https_authority = "$host" if https_port == 443 else f"$host:{https_port}"
    return f"""# Written by the launcher (launcher/proxy.py) at every start; edits are overwritten.
daemon off;
worker_processes 1;
pid {root / "nginx.pid"};
error_log {log_dir / "proxy-error.log"} warn;

events {{
    worker_connections 1024;
}}

http {{
{temp}
    # The action server passes on the id of the chat turn it is working for; a client's own
    # X-Request-ID is never believed (the HTTPS listener always sets nginx's).
    map $http_x_request_id $passed_request_id {{
        "" $request_id;
        default $http_x_request_id;
    }}
    log_format celia_json escape=json '{_LOG_FORMAT}';
    access_log {log_dir / "proxy-access.log"} celia_json;
    server_tokens off;
    client_max_body_size {MAX_BODY};
    client_body_buffer_size {MAX_BODY};

    upstream backend_workers {{
{upstreams}
        keepalive 32;
    }}

    server {{
        listen {listen}:{http_port};
        set $celia_request_id $request_id;
        location / {{
            return 301 https://{https_authority}$request_uri;
        }}
    }}

    server {{
        listen {listen}:{https_port} ssl;
        ssl_certificate {certificate.cert_file};
        ssl_certificate_key {certificate.key_file};
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_session_cache shared:celia_tls:1m;
        add_header Strict-Transport-Security "max-age=31536000" always;
        add_header X-Request-ID $request_id always;
        set $celia_request_id $request_id;
{_PROXY_TO_WORKERS.format(scheme="https")}
    }}

    server {{
        listen 127.0.0.1:{internal_port};
        set $celia_request_id $passed_request_id;
{_PROXY_TO_WORKERS.format(scheme="http")}
    }}
}}
"""


def nginx_binary() -> str:
    found = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if found is None:
        raise MissingServer("nginx is not installed: apt-get install nginx")
    return found


def proxy_service(root: Path, log_dir: Path, config: str, https_port: int) -> Service:
    """nginx in the foreground with `config` written to root/nginx.conf."""
    binary = nginx_binary()
    for kind in TEMP_KINDS:
        (root / "tmp" / kind).mkdir(parents=True, exist_ok=True)
    log_dir.mkdir(parents=True, exist_ok=True)
    conf = root / "nginx.conf"
    conf.write_text(config, encoding="utf-8")
    argv = [binary, "-p", str(root), "-c", str(conf), "-e", str(log_dir / "proxy-error.log")]
    return Service("proxy", https_port, "PROXY_HTTPS_PORT", argv, None)
