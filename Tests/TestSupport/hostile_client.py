#!/usr/bin/env python3
"""Clients that misbehave on purpose, for the collector's resource tests. Each mode prints one
JSON object on standard output.

  slow HOST PORT CA COUNT      COUNT TLS connections sending a request head one byte every 0.5 s
  idle-tls HOST PORT CA        a TLS connection that says nothing after the handshake
  idle-tcp HOST PORT           a TCP connection that never starts TLS
  keepalive HOST PORT CA       one complete request, then a silent kept-alive connection
  hold HOST PORT COUNT         COUNT TCP connections opened at once: which the server closed at once
  oversized HOST PORT CA WHAT  a request with a body, URL or header set larger than allowed
"""
import json
import socket
import ssl
import sys
import time

LIMIT = 30.0


def tls_socket(host, port, ca):
    context = ssl.create_default_context(cafile=ca)
    context.check_hostname = False
    raw = socket.create_connection((host, port), timeout=LIMIT)
    return context.wrap_socket(raw, server_hostname=host)


def closed_after(sock, started):
    """Seconds until the server closes `sock` (reads EOF or a reset), at most LIMIT."""
    sock.settimeout(0.2)
    while time.monotonic() - started < LIMIT:
        try:
            if sock.recv(4096) == b"":
                return time.monotonic() - started
        except (socket.timeout, ssl.SSLWantReadError):
            continue
        except OSError:
            return time.monotonic() - started
    return None


def slow(host, port, ca, count):
    head = b"GET /healthz HTTP/1.1\r\nHost: canh\r\nX-Slow: " + b"a" * 200 + b"\r\n\r\n"
    connections = [tls_socket(host, port, ca) for _ in range(count)]
    started = time.monotonic()
    closed = [None] * count
    position = 0
    while time.monotonic() - started < LIMIT and None in closed and position < len(head):
        for index, sock in enumerate(connections):
            if closed[index] is not None:
                continue
            try:
                sock.send(head[position:position + 1])
            except OSError:
                closed[index] = time.monotonic() - started
        position += 1
        time.sleep(0.5)
        for index, sock in enumerate(connections):
            if closed[index] is None:
                sock.settimeout(0.01)
                try:
                    if sock.recv(4096) == b"":
                        closed[index] = time.monotonic() - started
                except (socket.timeout, ssl.SSLWantReadError):
                    pass
                except OSError:
                    closed[index] = time.monotonic() - started
    return {"closed_after": closed, "bytes_sent": position}


def hold(host, port, count):
    connections = [socket.create_connection((host, port), timeout=LIMIT) for _ in range(count)]
    time.sleep(0.5)
    closed = []
    for sock in connections:
        sock.settimeout(0.05)
        try:
            closed.append(sock.recv(1) == b"")
        except socket.timeout:
            closed.append(False)
        except OSError:
            closed.append(True)
    return {"closed_at_once": closed}


def oversized(host, port, ca, what):
    if what == "body":
        body = b"{" + b" " * (9 << 20) + b"}"
        head = f"POST /api/v1/enroll HTTP/1.1\r\nHost: canh\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        request = head.encode() + body
    elif what == "url":
        request = b"GET /api/v1/systems?x=" + b"a" * (10 << 10) + b" HTTP/1.1\r\nHost: canh\r\n\r\n"
    elif what == "header":
        request = b"GET /healthz HTTP/1.1\r\nHost: canh\r\nX-Big: " + b"a" * (100 << 10) + b"\r\n\r\n"
    elif what == "headers":
        request = b"GET /healthz HTTP/1.1\r\nHost: canh\r\n" + b"".join(b"X-%d: a\r\n" % i for i in range(200)) + b"\r\n"
    else:
        raise SystemExit(f"unknown: {what}")
    sock = tls_socket(host, port, ca)
    try:
        sock.sendall(request)
    except OSError:
        pass  # the server may answer and close before reading everything
    answer = b""
    sock.settimeout(LIMIT)
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
            if b"\r\n\r\n" in answer:
                head, _, rest = answer.partition(b"\r\n\r\n")
                length = [int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")]
                if length and len(rest) >= length[0]:
                    break
    except OSError:
        pass
    head, _, body = answer.partition(b"\r\n\r\n")
    status = int(head.split(b" ")[1]) if head.startswith(b"HTTP/") else None
    return {"status": status, "body": body.decode(errors="replace")}


def main():
    mode, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if mode == "slow":
        result = slow(host, port, sys.argv[4], int(sys.argv[5]))
    elif mode == "idle-tls":
        sock = tls_socket(host, port, sys.argv[4])
        result = {"closed_after": closed_after(sock, time.monotonic())}
    elif mode == "keepalive":
        sock = tls_socket(host, port, sys.argv[4])
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: canh\r\n\r\n")
        answer = b""
        while b"ok" not in answer:
            answer += sock.recv(4096)
        result = {"closed_after": closed_after(sock, time.monotonic())}
    elif mode == "idle-tcp":
        sock = socket.create_connection((host, port), timeout=LIMIT)
        result = {"closed_after": closed_after(sock, time.monotonic())}
    elif mode == "hold":
        result = hold(host, port, int(sys.argv[4]))
    elif mode == "oversized":
        result = oversized(host, port, sys.argv[4], sys.argv[5])
    else:
        raise SystemExit(f"unknown mode {mode}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
