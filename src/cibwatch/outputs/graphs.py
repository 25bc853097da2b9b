"""GEXF 1.3 and GraphML files of the coordination network, for Gephi."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from ..errors import ParameterError
from ..store import Store, split_node_key
from . import data

NODE_ATTRS = [
    ("platform", "string"),
    ("handle", "string"),
    ("campaign", "string"),
    ("score", "double"),
    ("indicators", "string"),
]
EDGE_ATTRS = [("signals", "string"), ("p", "double"), ("q", "double")]


def _graph(store: Store, run: str, campaign_id: str | None) -> tuple[dict[str, dict], list[dict]]:
    nodes: dict[str, dict] = {}
    for a in data.accounts(store, run, campaign_id):
        nodes[a["node"]] = {
            "platform": a["platform"],
            "handle": a["handle"] or "",
            "campaign": a["campaign_id"],
            "score": a["score"] if a["score"] is not None else 0.0,
            "indicators": ",".join(a["indicators"]),
        }
    es = data.edges(store, run, campaign_id)
    for e in es:
        for k in (e["a"], e["b"]):
            if k not in nodes:
                plat, _ = split_node_key(k)
                nodes[k] = {"platform": plat, "handle": "", "campaign": "", "score": 0.0, "indicators": ""}
    return nodes, es


def _num(v: object) -> str:
    return "0" if v is None else repr(float(v))  # type: ignore[arg-type]


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
            n = ET.SubElement(ns, "node", {"id": k, "label": attrs["handle"] or k})
            av = ET.SubElement(n, "attvalues")
            for i, (name, _) in enumerate(NODE_ATTRS):
                ET.SubElement(av, "attvalue", {"for": str(i), "value": str(attrs[name])})
        xs = ET.SubElement(g, "edges")
        for i, e in enumerate(es):
            el = ET.SubElement(
                xs, "edge", {"id": str(i), "source": e["a"], "target": e["b"], "weight": _num(e["weight"])}
            )
            av = ET.SubElement(el, "attvalues")
            vals = [json.dumps(data.loads(e["signals"], {})), _num(e["p_value"]), _num(e["q_value"])]
            for j, v in enumerate(vals):
                ET.SubElement(av, "attvalue", {"for": str(j), "value": v})
    else:
        root = ET.Element("graphml", {"xmlns": "http://graphml.graphdrawing.org/xmlns"})
        for name, typ in NODE_ATTRS:
            ET.SubElement(root, "key", {"id": name, "for": "node", "attr.name": name, "attr.type": typ})
        for name, typ in [("weight", "double"), *EDGE_ATTRS]:
            ET.SubElement(root, "key", {"id": "e_" + name, "for": "edge", "attr.name": name, "attr.type": typ})
        g = ET.SubElement(root, "graph", {"id": "G", "edgedefault": "undirected"})
        for k, attrs in nodes.items():
            n = ET.SubElement(g, "node", {"id": k})
            for name, _ in NODE_ATTRS:
                ET.SubElement(n, "data", {"key": name}).text = str(attrs[name])
        for e in es:
            el = ET.SubElement(g, "edge", {"source": e["a"], "target": e["b"]})
            for key, v in (
                ("e_weight", _num(e["weight"])),
                ("e_signals", json.dumps(data.loads(e["signals"], {}))),
                ("e_p", _num(e["p_value"])),
                ("e_q", _num(e["q_value"])),
            ):
                ET.SubElement(el, "data", {"key": key}).text = v
    out = Path(out_file)
    out.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(root).write(out, encoding="utf-8", xml_declaration=True)
    return out
