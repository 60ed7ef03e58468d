#!/usr/bin/env python3
"""Runs every query of svcgate-dashboard.json against a Prometheus that scrapes a
gateway, and says which come back empty (docs/prometheus.md).

Usage: check_dashboard.py [PROMETHEUS_URL [JOB]]   (default http://127.0.0.1:9090 svcgate)
Exit 0 when every query succeeds with data, 1 otherwise. A counter that never
moved since Prometheus started (no resync yet, no GC yet) can be empty: make it
move, or read the list.
"""
import json
import os
import sys
import urllib.parse
import urllib.request

prom = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:9090"
job = sys.argv[2] if len(sys.argv) > 2 else "svcgate"
here = os.path.dirname(os.path.abspath(__file__))
dashboard = json.load(open(os.path.join(here, "svcgate-dashboard.json")))


def query(expr):
    expr = expr.replace("$__rate_interval", "1m").replace("$job", job).replace("$instance", ".*")
    url = prom + "/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    answer = json.load(urllib.request.urlopen(url))
    return answer["status"], answer["data"]["result"]


# The "Cluster" row's panels read svcgate_cluster_*, which only members of a Raft
# group (--cluster, docs/clustering.md) serve: skipped when the job has none.
status, result = query('svcgate_cluster_role{job=~"$job"}')
clustered = status == "success" and len(result) > 0
empty = 0
row = None
for panel in dashboard["panels"]:
    if panel["type"] == "row":
        row = panel["title"]
    if row == "Cluster" and not clustered:
        if panel.get("targets"):
            print("skip ", panel["title"], "· no svcgate_cluster_* series (not a --cluster group)")
        continue
    for target in panel.get("targets", []):
        status, result = query(target["expr"])
        ok = status == "success" and any(r["value"][1] != "NaN" for r in result)
        empty += 0 if ok else 1
        print("ok   " if ok else "EMPTY", panel["title"], "·", target.get("legendFormat") or "-", "·",
              len(result), "series")
print(f"{empty} empty queries")
sys.exit(1 if empty else 0)
