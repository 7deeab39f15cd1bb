//! The live view of the learner's objects: the graph the server sends with each live update
//! (`objects` events, built by `kubelab_checks::graph` from the shared watch caches, no watch of
//! its own), drawn as SVG in columns by how far each object is from where traffic enters, with
//! the first broken link in the check's own words. The drawing is hidden from screen readers,
//! which read the same as a list; a mark and a word say each status, never colour alone.

use std::collections::BTreeMap;

use kubelab_wire::{GraphNode, NodeStatus, ObjectGraph};
use leptos::prelude::*;

use crate::i18n::workbench::{more_objects, tw, W};
use crate::model::Lang;

const BOX_W: u32 = 170;
const BOX_H: u32 = 44;
const GAP_X: u32 = 40;
const GAP_Y: u32 = 14;

/// Where each node goes: its column (the longest chain of links that leads to it) and its row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    /// node index → (column, row)
    pub at: Vec<(u32, u32)>,
    pub columns: u32,
    pub rows: u32,
}

/// Each node's place in `g.nodes`, by id.
fn node_index(g: &ObjectGraph) -> BTreeMap<&str, usize> {
    g.nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.id.as_str(), i))
        .collect()
}

pub fn layout(g: &ObjectGraph) -> Layout {
    let index = node_index(g);
    let mut column = vec![0u32; g.nodes.len()];
    // Longest path by relaxation; at most one pass per node, so a cycle cannot loop forever.
    for _ in 0..g.nodes.len() {
        let mut changed = false;
        for e in &g.edges {
            if let (Some(&a), Some(&b)) = (index.get(e.from.as_str()), index.get(e.to.as_str())) {
                if column[b] < column[a] + 1 && column[a] + 1 < g.nodes.len() as u32 {
                    column[b] = column[a] + 1;
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    let mut next_row: BTreeMap<u32, u32> = BTreeMap::new();
    let at: Vec<(u32, u32)> = column
        .iter()
        .map(|&c| {
            let row = next_row.entry(c).or_default();
            *row += 1;
            (c, *row - 1)
        })
        .collect();
    Layout {
        columns: column.iter().max().map_or(0, |c| c + 1),
        rows: next_row.values().copied().max().unwrap_or(0),
        at,
    }
}

fn status_class(s: NodeStatus) -> &'static str {
    match s {
        NodeStatus::Ok => "ok",
        NodeStatus::Progressing => "progressing",
        NodeStatus::Broken => "broken",
        NodeStatus::Missing => "missing",
    }
}

fn status_mark(s: NodeStatus) -> &'static str {
    match s {
        NodeStatus::Ok => "✓",
        NodeStatus::Progressing => "…",
        NodeStatus::Broken => "✗",
        NodeStatus::Missing => "?",
    }
}

/// A label that fits its box: a long name loses its middle, so both its start and the suffix
/// that tells two Pods apart stay (the list and the tooltip have it whole).
fn fit(text: &str, max: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= max {
        return text.to_string();
    }
    let tail = max.saturating_sub(1) / 2;
    let head = max.saturating_sub(1) - tail;
    let mut cut: String = chars[..head].iter().collect();
    cut.push('…');
    cut.extend(&chars[chars.len() - tail..]);
    cut
}

/// kubectl's short name of a kind, so the box has room for the object's name.
fn short_kind(kind: &str) -> &str {
    match kind {
        "Deployment" => "deploy",
        "ReplicaSet" => "rs",
        "DaemonSet" => "ds",
        "StatefulSet" => "sts",
        "Pod" => "pod",
        "Service" => "svc",
        "EndpointSlice" => "eps",
        "Ingress" => "ing",
        "IngressClass" => "ingressclass",
        "PersistentVolumeClaim" => "pvc",
        "PersistentVolume" => "pv",
        other => other,
    }
}

fn node_line(n: &GraphNode, lang: Lang) -> String {
    format!(
        "{} {} {}: {}",
        status_mark(n.status),
        n.kind,
        n.name,
        n.detail.get(lang.code())
    )
}

#[component]
pub fn ObjectView(graph: RwSignal<Option<ObjectGraph>>, lang: Lang, id: String) -> impl IntoView {
    let heading_id = format!("{id}-objects");
    let labelled = heading_id.clone();
    view! {
        <section class="object-view" aria-labelledby=labelled
            hidden=move || graph.with(Option::is_none)>
            <h4 id=heading_id>{tw(lang, W::ObjectsHeading)}</h4>
            {move || graph.get().map(|g| drawing(&g, lang))}
        </section>
    }
}

fn drawing(g: &ObjectGraph, lang: Lang) -> impl IntoView {
    if g.nodes.is_empty() {
        return view! { <p class="objects-none">{tw(lang, W::ObjectsNone)}</p> }.into_any();
    }
    let l = layout(g);
    let pos = |i: usize| {
        let (c, r) = l.at[i];
        (c * (BOX_W + GAP_X), r * (BOX_H + GAP_Y))
    };
    let index = node_index(g);
    let width = l.columns * (BOX_W + GAP_X) - GAP_X;
    let height = l.rows * (BOX_H + GAP_Y) - GAP_Y;
    let broken_node = g.broken.as_ref().map(|b| b.node.clone());
    let edges = g
        .edges
        .iter()
        .filter_map(|e| {
            let (a, b) = (*index.get(e.from.as_str())?, *index.get(e.to.as_str())?);
            let ((ax, ay), (bx, by)) = (pos(a), pos(b));
            let (x1, y1, x2, y2) = (ax + BOX_W, ay + BOX_H / 2, bx, by + BOX_H / 2);
            let mid = (x1 + x2) / 2;
            Some(view! {
                <path class=if e.ok { "g-edge ok" } else { "g-edge cut" }
                    d=format!("M{x1},{y1} C{mid},{y1} {mid},{y2} {x2},{y2}") />
            })
        })
        .collect_view();
    let nodes = g
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let (x, y) = pos(i);
            let pinned = broken_node.as_deref() == Some(n.id.as_str());
            let class = format!(
                "g-node {}{}",
                status_class(n.status),
                if pinned { " pinned" } else { "" }
            );
            view! {
                <g class=class data-node=n.id.clone() transform=format!("translate({x},{y})")>
                    <title>{node_line(n, lang)}</title>
                    <rect width=BOX_W height=BOX_H rx="6" />
                    <text x="8" y="18" class="g-name">
                        {format!("{} {}", status_mark(n.status), fit(&n.name, 20))}
                    </text>
                    <text x="8" y="35" class="g-detail">
                        {fit(&format!("{} · {}", short_kind(&n.kind), n.detail.get(lang.code())), 24)}
                    </text>
                </g>
            }
        })
        .collect_view();
    let list = g
        .nodes
        .iter()
        .map(|n| {
            let to: Vec<String> = g
                .edges
                .iter()
                .filter(|e| e.from == n.id)
                .map(|e| format!("{}{}", e.to, if e.ok { "" } else { " ✗" }))
                .collect();
            let links = (!to.is_empty()).then(|| format!(" → {}", to.join(", ")));
            view! {
                <li data-node=n.id.clone() data-status=status_class(n.status)>
                    {node_line(n, lang)}{links}
                </li>
            }
        })
        .collect_view();
    view! {
        {g.broken.as_ref().map(|b| view! {
            <p class="objects-broken" data-node=b.node.clone()>
                <span class="mark" aria-hidden="true">"✗"</span>
                <strong>{tw(lang, W::FirstBroken)}</strong>{b.message.get(lang.code()).to_string()}
            </p>
        })}
        <div class="graph-scroll">
            <svg class="object-graph" aria-hidden="true" width=width height=height
                viewBox=format!("0 0 {width} {height}")>
                {edges}
                {nodes}
            </svg>
        </div>
        <ul class="object-list visually-hidden" aria-label=tw(lang, W::ObjectsList)>{list}</ul>
        {(g.more > 0).then(|| view! { <p class="objects-more">{more_objects(lang, g.more)}</p> })}
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;
    use kubelab_wire::{GraphEdge, Text};

    fn node(id: &str) -> GraphNode {
        let (kind, name) = id.split_once('/').unwrap();
        GraphNode {
            id: id.into(),
            kind: kind.into(),
            name: name.into(),
            status: NodeStatus::Ok,
            detail: Text::new("好", "ok"),
        }
    }

    fn edge(a: &str, b: &str) -> GraphEdge {
        GraphEdge {
            from: a.into(),
            to: b.into(),
            ok: true,
        }
    }

    #[test]
    fn columns_follow_the_longest_chain_and_rows_stack_within_a_column() {
        let g = ObjectGraph {
            nodes: [
                "Service/s",
                "EndpointSlice/e",
                "Deployment/d",
                "ReplicaSet/r",
                "Pod/a",
                "Pod/b",
            ]
            .map(node)
            .to_vec(),
            edges: vec![
                edge("Service/s", "EndpointSlice/e"),
                edge("EndpointSlice/e", "Pod/a"),
                edge("Deployment/d", "ReplicaSet/r"),
                edge("ReplicaSet/r", "Pod/a"),
                edge("ReplicaSet/r", "Pod/b"),
            ],
            ..ObjectGraph::default()
        };
        let l = layout(&g);
        assert_eq!(l.at, vec![(0, 0), (1, 0), (0, 1), (1, 1), (2, 0), (2, 1)]);
        assert_eq!((l.columns, l.rows), (3, 2));
    }

    #[test]
    fn a_cycle_or_an_edge_to_nowhere_cannot_hang_the_layout() {
        let g = ObjectGraph {
            nodes: ["A/a", "B/b"].map(node).to_vec(),
            edges: vec![
                edge("A/a", "B/b"),
                edge("B/b", "A/a"),
                edge("A/a", "C/gone"),
            ],
            ..ObjectGraph::default()
        };
        let l = layout(&g);
        assert!(l.columns <= 2, "{l:?}");
        // Two Pods of one Deployment stay told apart by their suffix.
        assert_eq!(fit("ngx-dep-5d8f7c9b4-abcde", 12), "ngx-de…abcde");
        assert_eq!(fit("ngx-dep-5d8f7c9b4-xyzzy", 12), "ngx-de…xyzzy");
        assert_eq!(fit("short", 12), "short");
    }
}
