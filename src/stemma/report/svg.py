"""The provenance graph as an inline SVG (no script, no remote assets).

A layered drawing reads better than a force layout for provenance: articles
in the left column, and every source one column right of the furthest node
that points to it, so information flows left to right, towards the roots.
"""

from __future__ import annotations

from collections import defaultdict
from html import escape

from stemma.model import Graph

#: Edge colours by kind; the legend in the drawing names them.
EDGE_COLOURS = {
    "attributes_to": "#8a8f98",
    "reuses": "#d9822b",
    "based_on": "#2b6cb0",
    "obtained_from": "#805ad5",
}
NODE_COLOURS = {
    "article": "#ffffff",
    "outlet": "#e6f0fb",
    "document": "#fdf3d8",
    "person": "#eaf6ea",
    "organisation": "#f3e8ff",
    "group": "#fdecec",
    "other": "#efefef",
}
COLUMN_WIDTH, ROW_HEIGHT, NODE_WIDTH, NODE_HEIGHT, MARGIN = 250, 46, 200, 30, 20


def layers(graph: Graph) -> dict[str, int]:
    """Column of every node: articles 0, a source 1 + the column of its furthest citer."""
    column = {n.id: 0 for n in graph.nodes}
    edges = [(e.source, e.target) for e in graph.edges if e.directed]
    for _ in range(len(graph.nodes)):  # longest path; bounded in case of cycles
        changed = False
        for a, b in edges:
            if b.startswith("source:") and column[b] < column[a] + 1:
                column[b] = column[a] + 1
                changed = True
        if not changed:
            break
    return column


def render(graph: Graph, *, max_label: int = 30) -> str:
    """SVG markup for ``graph``; every label is escaped."""
    column = layers(graph)
    rows: dict[int, list[str]] = defaultdict(list)
    for n in graph.nodes:
        rows[column[n.id]].append(n.id)
    pos: dict[str, tuple[float, float]] = {}
    for col, ids in rows.items():
        for i, nid in enumerate(ids):
            pos[nid] = (MARGIN + col * COLUMN_WIDTH, MARGIN + 30 + i * ROW_HEIGHT)
    width = MARGIN * 2 + (max(rows, default=0)) * COLUMN_WIDTH + NODE_WIDTH
    height = MARGIN * 2 + 30 + max((len(v) for v in rows.values()), default=1) * ROW_HEIGHT
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="provenance" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="provenance graph">',
        "<defs>",
        *(
            f'<marker id="arrow-{k}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
            f'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="{c}"/></marker>'
            for k, c in EDGE_COLOURS.items()
        ),
        "</defs>",
        _legend(),
    ]
    for e in graph.edges:
        if e.source not in pos or e.target not in pos:
            continue
        (x1, y1), (x2, y2) = pos[e.source], pos[e.target]
        colour = EDGE_COLOURS.get(e.kind, "#999")
        a = (x1 + NODE_WIDTH, y1 + NODE_HEIGHT / 2)
        b = (x2, y2 + NODE_HEIGHT / 2)
        if x2 <= x1:  # same column or backwards: bend around
            a, b = (x1 + NODE_WIDTH / 2, y1 + NODE_HEIGHT), (x2 + NODE_WIDTH / 2, y2)
        mid = (a[0] + b[0]) / 2
        dash = "" if e.directed else ' stroke-dasharray="4 3"'
        marker = f' marker-end="url(#arrow-{e.kind})"' if e.directed else ""
        title = escape(f"{e.kind.replace('_', ' ')} ×{e.weight}: " + " | ".join(e.evidence))
        out.append(
            f'<path d="M{a[0]:.0f},{a[1]:.0f} C{mid:.0f},{a[1]:.0f} {mid:.0f},{b[1]:.0f} '
            f'{b[0]:.0f},{b[1]:.0f}" fill="none" stroke="{colour}" '
            f'stroke-width="{min(1 + e.weight * 0.5, 4):.1f}"{dash}{marker}>'
            f"<title>{title}</title></path>"
        )
    for n in graph.nodes:
        x, y = pos[n.id]
        label = n.label if len(n.label) <= max_label else n.label[: max_label - 1] + "…"
        rx = 3 if n.kind == "article" else 14
        out.append(
            f'<g class="node node-{escape(n.kind)}" data-node="{escape(n.id)}">'
            f'<rect x="{x}" y="{y}" width="{NODE_WIDTH}" height="{NODE_HEIGHT}" rx="{rx}" '
            f'fill="{NODE_COLOURS.get(n.kind, "#fff")}" stroke="#555"/>'
            f'<text x="{x + 8}" y="{y + 19}" font-size="12" font-family="sans-serif">'
            f"{escape(label)}</text><title>{escape(n.kind)}: {escape(n.label)}</title></g>"
        )
    out.append("</svg>")
    return "\n".join(out)


def _legend() -> str:
    parts, x = [], MARGIN
    for kind, colour in EDGE_COLOURS.items():
        parts.append(
            f'<line x1="{x}" y1="14" x2="{x + 24}" y2="14" stroke="{colour}" stroke-width="2"/>'
            f'<text x="{x + 30}" y="18" font-size="11" font-family="sans-serif">'
            f"{kind.replace('_', ' ')}</text>"
        )
        x += 130
    return "".join(parts)
