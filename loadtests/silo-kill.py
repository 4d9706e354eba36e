#!/usr/bin/env python3
"""Issue 12 fault: kill -9 of a silo process mid-delivery in a 3-silo cluster, under audited load.

Run against a local cluster of separate processes (deploy/scripts/cluster.sh start 3 1). The load is audited requests
whose answers carry their audit_event_id (a proxy call naming an integration that does not exist: refused with 404 and
recorded as proxy.outbound/denied before the answer leaves), so every acknowledged event is known by id. A 503 is a
publish the server refused (fail closed): not acknowledged. Mid-load one silo process gets SIGKILL. After the load the
chain is read until it holds every acknowledged id (or the deadline passes); printed: acknowledged, chained, lost
(acknowledged ids not in the chain), duplicates (ids chained twice), the time to catch up, and /audit/verify.
"""
import argparse, json, os, signal, sys, threading, time, urllib.error, urllib.request


def call(method, url, headers, body=None, timeout=30):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json", **headers})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--front", default="http://127.0.0.1:8180")
    parser.add_argument("--operator-key-file", default=".quantaseal-cluster/operator.key")
    parser.add_argument("--kill-pid-file", default=".quantaseal-cluster/pids/silo-2.pid")
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--seconds", type=int, default=40)
    parser.add_argument("--kill-at", type=int, default=10)
    parser.add_argument("--catch-up-deadline", type=int, default=300)
    args = parser.parse_args()

    operator_key = open(args.operator_key_file).read().strip()
    status, body = call("POST", args.front + "/api/v2/tenants", {"X-Operator-Key": operator_key}, {"name": "silo-kill"})
    if status != 201:
        sys.exit(f"tenant creation answered {status}: {body[:200]!r}")
    created = json.loads(body)
    tenant_id, api_key = created["tenant_id"], created["api_key"]
    headers = {"X-API-Key": api_key}

    acked, refused, other = [], [0], {}
    lock = threading.Lock()
    stop = threading.Event()
    missing = "int_01JZZZZZZZZZZZZZZZZZZZZZZZ"

    def worker():
        while not stop.is_set():
            try:
                status, body = call("POST", args.front + "/api/v2/proxy/outbound", headers, {"integration_id": missing, "operation": "get_users"})
            except Exception as error:  # connection reset while a silo dies: neither acknowledged nor refused
                with lock:
                    other[type(error).__name__] = other.get(type(error).__name__, 0) + 1
                continue
            with lock:
                if status == 404:
                    acked.append(json.loads(body)["audit_event_id"])
                elif status == 503:
                    refused[0] += 1
                else:
                    other[status] = other.get(status, 0) + 1

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(args.workers)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    time.sleep(args.kill_at)
    pid = int(open(args.kill_pid_file).read().strip())
    with lock:
        acked_at_kill = len(acked)
    os.kill(pid, signal.SIGKILL)
    killed_at = time.monotonic() - started
    time.sleep(max(0, args.seconds - args.kill_at))
    stop.set()
    for thread in threads:
        thread.join()
    load_end = time.monotonic()

    wanted = set(acked)
    chained_ids, caught_up = [], None
    while time.monotonic() - load_end < args.catch_up_deadline:
        chained_ids, cursor = [], None
        while True:
            url = args.front + "/api/v2/audit/events?order=asc&limit=1000" + ("" if cursor is None else "&cursor=" + urllib.request.quote(cursor))
            status, body = call("GET", url, headers)
            if status != 200:
                break
            page = json.loads(body)
            chained_ids += [e["event_id"] for e in page["items"]]
            cursor = page.get("next_cursor")
            if not cursor:
                break
        if wanted <= set(chained_ids):
            caught_up = time.monotonic() - load_end
            break
        time.sleep(1)

    status, body = call("GET", args.front + "/api/v2/audit/verify", headers, timeout=120)
    verify = json.loads(body) if status == 200 else {"status": status}
    chained = set(chained_ids)
    lost = len(wanted - chained)
    duplicates = len(chained_ids) - len(chained)
    print(f"tenant {tenant_id}: {args.workers} workers for {args.seconds} s, silo pid {pid} killed at {killed_at:.1f} s ({acked_at_kill} acknowledged before)")
    print(f"answers: {len(acked)} acknowledged (404 with audit_event_id), {refused[0]} refused (503), other {other}")
    print("| fault | acknowledged | chained (of them) | lost | duplicates chained | catch-up after load | verify |")
    print("|---|---:|---:|---:|---:|---|---|")
    print(f"| kill -9 of silo-2 of 3 at {killed_at:.0f} s, {args.workers} in flight | {len(acked)} | {len(wanted & chained)} | **{lost}** | {duplicates} | "
          f"{'%.1f s' % caught_up if caught_up is not None else 'not within %d s' % args.catch_up_deadline} | "
          f"{'valid' if verify.get('valid') else verify}, complete={verify.get('complete')}, {verify.get('events_checked')} events |")
    return 0 if lost == 0 and duplicates == 0 and verify.get("valid") else 1


if __name__ == "__main__":
    sys.exit(main())
