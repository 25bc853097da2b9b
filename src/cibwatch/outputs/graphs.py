"""GEXF 1.3 and GraphML files of the coordination network, for Gephi."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from ..errors import ParameterError
from ..store import Store, split_node_key
from . import data

NODE_ATTRS = [
    ("platform", "string"),
    ("account_id", "string"),
    ("handle", "string"),
    ("display_name", "string"),
    ("campaign", "string"),
    ("classification", "string"),
    ("score", "double"),
    ("indicators", "string"),
    ("hijacked", "boolean"),
    ("created_at", "string"),
    ("followers", "long"),
    ("posts", "long"),
]
EDGE_ATTRS = [("signals", "string"), ("n_coactions", "long"), ("avg_time_delta", "double"), ("p", "double"),
              ("q", "double"), ("significant", "boolean")]


def _graph(store: Store, run: str, campaign_id: str | None) -> tuple[dict[str, dict], list[dict]]:
    nodes: dict[str, dict] = {}
    classes = {r["campaign_id"]: r["classification"] or "" for r in store.query(
        "SELECT campaign_id, classification FROM campaigns WHERE run_id = ?", [run])}
    for a in data.accounts(store, run, campaign_id):
        nodes[a["node"]] = {
            "platform": a["platform"],
            "account_id": a["account_id"],
            "handle": a["handle"] or "",
            "display_name": a["display_name"] or "",
            "campaign": a["campaign_id"],
            "classification": classes.get(a["campaign_id"], ""),
            "score": a["score"] if a["score"] is not None else 0.0,
            "indicators": ",".join(a["indicators"]),
            "hijacked": "true" if "hijack" in a["indicators"] else "false",
            "created_at": a["created_at"].isoformat() if a["created_at"] else "",
            "followers": a["followers"] if a["followers"] is not None else 0,
            "posts": a["n_posts"] or 0,
        }
    es = data.edges(store, run, campaign_id)
    rows = {(r["platform"], r["account_id"]): r for r in store.query(
        "SELECT platform, account_id, handle, display_name FROM accounts WHERE list_contains(?, platform || ':' || account_id)",
        [sorted({k for e in es for k in (e["a"], e["b"])} - set(nodes))])} if es else {}
    for e in es:
        for k in (e["a"], e["b"]):
            if k not in nodes:  # an account linked to a member without being one (context for analysts)
                plat, aid = split_node_key(k)
                r = rows.get((plat, aid), {})
                nodes[k] = {"platform": plat, "account_id": aid, "handle": r.get("handle") or "",
                            "display_name": r.get("display_name") or "", "campaign": "", "classification": "",
                            "score": 0.0, "indicators": "", "hijacked": "false", "created_at": "", "followers": 0, "posts": 0}
    return nodes, es


_XML_INVALID = re.compile("[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _x(v: object) -> str:
    """A value as XML 1.0 text: characters XML cannot hold (NUL, other controls, lone surrogates) dropped."""
    return _XML_INVALID.sub("", str(v))


def _num(v: object) -> str:
    return "0" if v is None else repr(float(v))  # type: ignore[arg-type]


def _edge_values(e: dict) -> list[str]:
    return [json.dumps(data.loads(e["signals"], {}), sort_keys=True), str(int(e["n_coactions"] or 0)),
            _num(e["avg_time_delta"]), _num(e["p_value"]), _num(e["q_value"]), "true" if e["significant"] else "false"]


def export_graph(
    store: Store, out_file: str | Path, fmt: str = "gexf", *, campaign_id: str | None = None, run_id: str | None = None
) -> Path:
    """Write nodes (accounts with attributes) and edges (weight, signals, p, q) as GEXF 1.3 or GraphML."""
    if fmt not in ("gexf", "graphml"):
        raise ParameterError("fmt", "gexf or graphml", fmt)
    run = data.resolve_run(store, run_id)
    nodes, es = _graph(store, run, campaign_id)
    if fmt == "gexf":
        root = ET.Element("gexf", {"xmlns": "http://gexf.net/1.3", "version": "1.3"})
        g = ET.SubElement(root, "graph", {"defaultedgetype": "undirected", "mode": "static"})
        for cls, decls in (("node", NODE_ATTRS), ("edge", EDGE_ATTRS)):
            decl = ET.SubElement(g, "attributes", {"class": cls})
            for i, (name, typ) in enumerate(decls):
                ET.SubElement(decl, "attribute", {"id": str(i), "title": name, "type": typ})
        ns = ET.SubElement(g, "nodes")
        for k, attrs in nodes.items():
            n = ET.SubElement(ns, "node", {"id": _x(k), "label": _x(attrs["handle"] or k)})
            av = ET.SubElement(n, "attvalues")
            for i, (name, _) in enumerate(NODE_ATTRS):
                ET.SubElement(av, "attvalue", {"for": str(i), "value": _x(attrs[name])})
        xs = ET.SubElement(g, "edges")
        for i, e in enumerate(es):
            el = ET.SubElement(
                xs, "edge", {"id": str(i), "source": _x(e["a"]), "target": _x(e["b"]), "weight": _num(e["weight"])}
            )
            av = ET.SubElement(el, "attvalues")
            vals = _edge_values(e)
            for j, v in enumerate(vals):
                ET.SubElement(av, "attvalue", {"for": str(j), "value": _x(v)})
    else:
        root = ET.Element("graphml", {"xmlns": "http://graphml.graphdrawing.org/xmlns"})
        for name, typ in NODE_ATTRS:
            ET.SubElement(root, "key", {"id": name, "for": "node", "attr.name": name, "attr.type": typ})
        for name, typ in [("weight", "double"), *EDGE_ATTRS]:
            ET.SubElement(root, "key", {"id": "e_" + name, "for": "edge", "attr.name": name, "attr.type": typ})
        g = ET.SubElement(root, "graph", {"id": "G", "edgedefault": "undirected"})
        for k, attrs in nodes.items():
            n = ET.SubElement(g, "node", {"id": _x(k)})
            for name, _ in NODE_ATTRS:
                ET.SubElement(n, "data", {"key": name}).text = _x(attrs[name])
        for e in es:
            el = ET.SubElement(g, "edge", {"source": _x(e["a"]), "target": _x(e["b"])})
            ET.SubElement(el, "data", {"key": "e_weight"}).text = _num(e["weight"])
            for (name, _), v in zip(EDGE_ATTRS, _edge_values(e), strict=True):
                ET.SubElement(el, "data", {"key": "e_" + name}).text = v
    out = Path(out_file)
    out.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(root).write(out, encoding="utf-8", xml_declaration=True)
    return out
