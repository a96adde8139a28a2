#!/usr/bin/env python3
"""N clients of a StyleLapse live page, as browsers would be, in one process (standard library only).

    tools/bench/live_clients.py BASE_URL TOKEN [N]

Each client follows GET /api/events and, after an event, fetches GET /api/image over one kept-alive connection, at
most ten times a second. Ends when the server closes the streams (the run has ended); prints what it received.
"""
import http.client
import sys
import threading
import time
import urllib.parse


def client(base, token, counts, k):
    u = urllib.parse.urlparse(base)
    events = http.client.HTTPConnection(u.hostname, u.port, timeout=120)
    images = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    events.request("GET", f"/api/events?token={token}")
    stream = events.getresponse()
    last = 0.0
    try:
        while True:
            line = stream.readline()
            if not line:
                break
            if line.startswith(b"event: iteration"):
                counts[k][0] += 1
                now = time.monotonic()
                if now - last >= 0.1:
                    last = now
                    try:
                        images.request("GET", f"/api/image?token={token}")
                        body = images.getresponse().read()
                        counts[k][1] += len(body) > 0
                    except (http.client.HTTPException, OSError):
                        images.close()
                        images = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    except (http.client.HTTPException, OSError):
        pass


def main():
    base, token = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    counts = [[0, 0] for _ in range(n)]
    threads = [threading.Thread(target=client, args=(base, token, counts, k), daemon=True) for k in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print("clients: " + ", ".join(f"{e} events, {i} pictures" for e, i in counts), file=sys.stderr)


if __name__ == "__main__":
    main()
