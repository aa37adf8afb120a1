#!/usr/bin/env python3
"""A misbehaving HTTP cache server for the cache tests (stdlib only).

usage: test_cache_fake_server.py MODE [DELAY_S]

Listens on 127.0.0.1, a free port printed as the first line on stdout, and
serves at most 200 connections or 60 seconds, whichever comes first.
MODE:
  slow          read the request, wait DELAY_S seconds, then answer 404
  garbage-body  answer "200 OK" with random bytes as the body
  garbage-http  answer bytes that are not HTTP at all, then close
  huge          answer "200 OK" with an endless body (until the client goes)
"""
import os
import socket
import sys
import threading
import time

MAX_CONNS = 200
LIFETIME_S = 60


def read_request(conn):
    data = b""
    conn.settimeout(5)
    try:
        while b"\r\n\r\n" not in data and len(data) < 65536:
            chunk = conn.recv(4096)
            if not chunk:
                break
            data += chunk
    except OSError:
        pass
    return data


def serve(conn, mode, delay):
    try:
        read_request(conn)
        if mode == "slow":
            time.sleep(delay)
            conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n"
                         b"Connection: close\r\n\r\n")
        elif mode == "garbage-body":
            body = os.urandom(300)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n"
                         b"Connection: close\r\n\r\n" % len(body) + body)
        elif mode == "garbage-http":
            conn.sendall(b"\x00\x01hello, this is not http\r\n\r\n" + os.urandom(64))
        elif mode == "huge":
            conn.sendall(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n")
            end = time.time() + 20
            while time.time() < end:
                conn.sendall(b"x" * 65536)
    except OSError:
        pass
    finally:
        conn.close()


def main():
    mode = sys.argv[1]
    delay = float(sys.argv[2]) if len(sys.argv) > 2 else 3.0
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(16)
    print(srv.getsockname()[1], flush=True)
    deadline = time.time() + LIFETIME_S
    srv.settimeout(0.5)
    for _ in range(MAX_CONNS):
        conn = None
        while conn is None and time.time() < deadline:
            try:
                conn, _ = srv.accept()
            except socket.timeout:
                pass
        if conn is None:
            break
        threading.Thread(target=serve, args=(conn, mode, delay), daemon=True).start()
    srv.close()


if __name__ == "__main__":
    main()
