//! `make bench`: figures for the Rust core at the scale the panel is designed for.
//! Prints numbers; asserts nothing (timed assertions flake on shared machines).

use chat_widget_inspector::core::diagnostics::{diagnose, Context};
use chat_widget_inspector::core::event_log::Limits;
use chat_widget_inspector::core::filter::Filter;
use chat_widget_inspector::core::hub::Hub;
use chat_widget_inspector::core::panel_state::{Action, PanelState};
use chat_widget_inspector::core::protocol::{decode_panel_update, PanelUpdate};
use std::time::Instant;

const EVENTS: u64 = 100_000;
const BATCH: u64 = 500;

fn main() {
    // `cargo run --release --example bench -- diagnose`: only the diagnostics figure.
    if std::env::args().any(|a| a == "diagnose") {
        bench_diagnose();
        return;
    }
    let names = ["conversationStarted", "unreadConversationCountChanged", "widgetLoaded", "inputStaging"];
    // No storage quota here: the figures are for a log that holds all 100,000 events.
    let limits = Limits { max_entries: EVENTS as usize + 10, max_bytes: usize::MAX };
    let mut hub = Hub::with_storage_budget(limits, usize::MAX);
    // One panel watches the tab, so every batch also produces its panel update.
    hub.panel_connected(1);
    hub.panel_message(1, r#"{"v":1,"type":"subscribe","tab":1}"#);
    let mut stored_bytes = 0usize;
    let mut panel = PanelState::new(true);
    let started = Instant::now();
    let mut decode_panel = std::time::Duration::ZERO;
    let mut reduce_panel = std::time::Duration::ZERO;
    for batch in 0..EVENTS / BATCH {
        let records: Vec<String> = (1..=BATCH)
            .map(|i| {
                let seq = batch * BATCH + i;
                let name = names[(seq % 4) as usize];
                format!(
                    r#"{{"k":"event","seq":{seq},"t":{seq},"name":"{name}","payload":{{"conversation":{{"conversationId":{seq}}},"unreadCount":{i}}},"via":"iframe"}}"#
                )
            })
            .collect();
        let data = format!(
            r#"{{"v":1,"doc":"bench","url":"https://shop.example/","time_origin":0,"dropped":0,"records":[{}]}}"#,
            records.join(",")
        );
        let message = serde_json::json!({"v":1,"type":"page","batch":batch + 1,"data":data}).to_string();
        for effect in hub.relay_message(1, "https://shop.example.test/", &message, 0.0) {
            match effect {
                chat_widget_inspector::core::hub::Effect::Store { items, .. } => {
                    stored_bytes += items.values().map(String::len).sum::<usize>()
                }
                chat_widget_inspector::core::hub::Effect::ToPanels { message, .. } => {
                    let t = Instant::now();
                    let update: PanelUpdate = decode_panel_update(&message).expect("valid update");
                    decode_panel += t.elapsed();
                    let t = Instant::now();
                    panel = panel.reduce(Action::Update(update));
                    reduce_panel += t.elapsed();
                }
                _ => {}
            }
        }
    }
    let ingest = started.elapsed();
    println!(
        "hub ingest: {EVENTS} events in {:.1} ms ({:.2} µs/event incl. storage chunks and panel updates)",
        ingest.as_secs_f64() * 1e3,
        ingest.as_secs_f64() * 1e6 / EVENTS as f64
    );
    println!(
        "  of which panel decode: {:.1} ms, panel reduce (rows to show derived once per update): {:.1} ms; storage text written: {:.1} MiB",
        decode_panel.as_secs_f64() * 1e3,
        reduce_panel.as_secs_f64() * 1e3,
        stored_bytes as f64 / (1 << 20) as f64
    );

    for (label, filter) in [
        ("no filter", Filter::default()),
        ("by name", Filter::default().with_name("widgetLoaded")),
        ("free text", Filter::default().with_text("conversationid\":4242")),
        ("text and negation", Filter::default().with_text("conversationid -4242")),
    ] {
        // The reducer derives the rows to show when the filter changes: that is the filter's cost.
        let t = Instant::now();
        panel = panel
            .reduce(Action::SetNameFilter(filter.name.clone()))
            .reduce(Action::SetSearch(filter.text().to_string()));
        let rows = panel.visible().len();
        println!(
            "filter over {} entries, {label}: {rows} rows in {:.2} ms",
            panel.entries.len(),
            t.elapsed().as_secs_f64() * 1e3
        );
    }
    // A full change of the text (not narrowing the previous one): every entry is looked at again.
    panel = search_after(panel, "widgetloaded", "conversationid\":4242", "full change of the filter text");
    // Typing on: "unreadcount" → "unreadcount\":4" looks at the rows "unreadcount" showed only.
    panel = search_after(panel, "unreadcount", "unreadcount\":4", "typing on (a narrower text)");

    bench_appends(panel);
    bench_chunked_snapshot(&hub);
    bench_diagnose();
}

/// The panel at 100,000 entries: one entry appended at a time (the log at its cap, so each append
/// also evicts the oldest), with a text filter and with none: time per append and entries examined.
fn bench_appends(mut panel: PanelState) {
    use chat_widget_inspector::core::protocol::{Entry, EntryKind};
    const APPENDS: u64 = 2_000;
    let mut next = panel.entries.last().map_or(1, |e| e.id + 1);
    for (label, text) in [("text filter", "conversationid\":4242"), ("no filter", "")] {
        panel = panel.reduce(Action::SetSearch(text.into()));
        let examined = panel.filter_examined();
        let t = Instant::now();
        for _ in 0..APPENDS {
            let entry = Entry {
                id: next,
                doc: "bench".into(),
                t: next as f64,
                wall: 0.0,
                kind: EntryKind::Event,
                name: "widgetLoaded".into(),
                via: None,
                undelivered: None,
                summary: "loaded".into(),
                payload: format!(r#"{{"conversation":{{"conversationId":{next}}},"unreadCount":1}}"#),
            };
            next += 1;
            panel = panel.reduce(Action::Update(PanelUpdate::Append {
                entries: vec![entry],
                dropped: 0,
                diagnosed: None,
                status: None,
            }));
        }
        let per = t.elapsed().as_secs_f64() * 1e6 / APPENDS as f64;
        println!(
            "append 1 entry at {} held, {label}: {per:.1} µs per append (diagnosis included), the filter examined {} entries per append; {} rows shown",
            panel.entries.len(),
            (panel.filter_examined() - examined) / APPENDS,
            panel.visible().len()
        );
    }
    let memory = panel.memory_estimate();
    println!(
        "panel memory estimate at {} entries: {:.1} MiB, {} bytes per entry (entry, its texts, the filter's index, the rows shown)",
        panel.entries.len(),
        memory as f64 / (1 << 20) as f64,
        memory / panel.entries.len().max(1)
    );
}

/// The snapshot as the panel receives it: a first chunk of the newest entries, then older chunks
/// one at a time. Each figure is the hub's encoding plus the panel's decoding and reducing.
fn bench_chunked_snapshot(hub: &Hub) {
    let t = Instant::now();
    let head_text = hub.snapshot(1);
    let encode = t.elapsed();
    let mut panel = PanelState::new(true).reduce(Action::Update(decode_panel_update(&head_text).unwrap()));
    let head = t.elapsed();
    let head_rows = panel.visible().len();
    let mut chunks = 0;
    let mut longest = std::time::Duration::ZERO;
    let mut bytes = 0;
    while let Some(before) = panel.older_wanted() {
        let t = Instant::now();
        let text = hub.older(1, before);
        bytes = bytes.max(text.len());
        panel = panel.reduce(Action::OlderAsked(before));
        panel = panel.reduce(Action::Update(decode_panel_update(&text).unwrap()));
        longest = longest.max(t.elapsed());
        chunks += 1;
    }
    println!(
        "chunked snapshot: first {head_rows} rows in {:.2} ms ({:.2} ms of it the hub's); then {chunks} chunks to {} entries in {:.0} ms, the longest {:.1} ms ({:.0} KiB of JSON at most)",
        head.as_secs_f64() * 1e3,
        encode.as_secs_f64() * 1e3,
        panel.entries.len(),
        t.elapsed().as_secs_f64() * 1e3,
        longest.as_secs_f64() * 1e3,
        bytes as f64 / 1024.0
    );
}

/// `diagnose()` runs in the panel on every update: 10,000 entries, once with 90% rows the rules
/// parse (the worst case), once with 90% SDK event rows (which the rules skip unparsed).
fn bench_diagnose() {
    bench_diagnose_mix("90% of them rows the rules parse", 10, 10_000);
    bench_diagnose_mix("10% of them rows the rules parse, 90% SDK events", 100, 10_000);
    // What the panel's clock tick costs with a 100,000-entry document (see DIAGNOSE_EVERY_UPDATE_UP_TO).
    bench_diagnose_mix("10% of them rows the rules parse, 90% SDK events", 100, 100_000);
    bench_diagnose_mix("1% of them rows the rules parse, 99% SDK events (a flood)", 1000, 100_000);
}

fn bench_diagnose_mix(label: &str, every: u64, entries: u64) {
    use chat_widget_inspector::core::protocol::{Entry, PageRecord};
    use chat_widget_inspector::core::summary::record_row;
    use std::collections::BTreeMap;
    use std::rc::Rc;

    let runs = if entries > 10_000 { 3 } else { 20 };
    let mut throttles = BTreeMap::new();
    let log: Vec<Rc<Entry>> = (1..=entries)
        .map(|seq| {
            let t = seq as f64 * 10.0;
                        let record = match if seq % every < 9 { seq % every } else { 9 } {
                0 => format!(r#"{{"k":"page_call","seq":{seq},"t":{t},"method":"on","generation":1,"placeholder":false,"args":["conversationStarted","[function]"],"outcome":"returned","handler":{seq},"from_loader":true}}"#),
                1 => format!(r#"{{"k":"page_call","seq":{seq},"t":{t},"method":"widget.refresh","generation":1,"placeholder":false,"args":[{{"openToNewThread":true}}],"outcome":"returned"}}"#),
                2 => format!(r#"{{"k":"nav","seq":{seq},"t":{t},"how":"push","url":"https://shop.example/p/{seq}"}}"#),
                3 => format!(r#"{{"k":"widget_data","seq":{seq},"t":{t},"url":"https://api.hubspot.com/livechat-public/v1/message/public","status":200,"duration":40}}"#),
                4 => format!(r#"{{"k":"onready","seq":{seq},"t":{t},"action":"read","array":true,"length":1,"generation":1}}"#),
                5 => format!(r#"{{"k":"api","seq":{seq},"t":{t},"state":"ready","generation":1}}"#),
                6 => format!(r#"{{"k":"env","seq":{seq},"t":{t},"secure":true,"host":"shop.example","disabled_popups":null,"to_json":[],"running":true}}"#),
                7 => format!(r#"{{"k":"iframe","seq":{seq},"t":{t},"inline":false,"src":"https://app.hubspot.com/x"}}"#),
                8 => format!(r#"{{"k":"widget","seq":{seq},"t":{t},"loaded":true,"inline":false,"src":"https://app.hubspot.com/x"}}"#),
                _ => format!(r#"{{"k":"event","seq":{seq},"t":{t},"name":"unreadConversationCountChanged","payload":{{"unreadCount":{seq}}},"via":"iframe"}}"#),
            };
            let record: PageRecord = serde_json::from_str(&record).expect("valid record");
            let row = record_row(&record, &mut throttles).expect("a row");
            Rc::new(row.into_entry(seq, "bench".into(), 0.0))
        })
        .collect();
    let context = Context { now_wall: 1e9, cookies: Some(vec![]), messages_utk_seen: false };
    let t = Instant::now();
    let mut findings = 0;
    for _ in 0..runs {
        findings = diagnose(&log, &context).findings.len();
    }
    println!(
        "diagnose over {entries} entries ({label}): {:.2} ms per run, {findings} findings",
        t.elapsed().as_secs_f64() * 1e3 / runs as f64
    );
}

/// The search text `from`, then the time of changing it to `to` (printed as `label`).
fn search_after(panel: PanelState, from: &str, to: &str, label: &str) -> PanelState {
    let panel = panel.reduce(Action::SetSearch(from.into()));
    let t = Instant::now();
    let panel = panel.reduce(Action::SetSearch(to.into()));
    println!(
        "{label} over {} entries: {} rows in {:.2} ms",
        panel.entries.len(),
        panel.visible().len(),
        t.elapsed().as_secs_f64() * 1e3
    );
    panel
}
