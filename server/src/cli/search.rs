//! `kubelab content search` (what a query finds, for authors) and `kubelab content bench-search`
//! (index build time, its size in RAM, query latency, next to `grep -ril` on the same files).

use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use clap::Args;
use kubelab_app::content::search::SearchIndex;
use kubelab_app::model::Lang;

use crate::config::ContentArgs;

#[derive(Debug, Args)]
pub struct SearchArgs {
    #[command(flatten)]
    pub content: ContentArgs,
    /// The language searched: zh or en.
    #[arg(long, default_value = "en", value_parser = parse_lang)]
    pub lang: Lang,
    /// What to look for (at most 200 characters).
    pub query: String,
}

#[derive(Debug, Args)]
pub struct BenchArgs {
    #[command(flatten)]
    pub content: ContentArgs,
    /// Timed searches per query.
    #[arg(long, default_value_t = 500)]
    pub rounds: usize,
    /// Timed `grep` runs per query (each is a process).
    #[arg(long, default_value_t = 50)]
    pub grep_rounds: usize,
}

fn parse_lang(s: &str) -> Result<Lang, String> {
    Lang::parse(s).ok_or_else(|| format!("`{s}`: zh or en"))
}

fn build(args: &ContentArgs) -> Option<SearchIndex> {
    let course = match kubelab_app::content::load(&args.content) {
        Ok(course) => course,
        Err(errors) => {
            eprintln!("{errors}");
            return None;
        }
    };
    match SearchIndex::build(&course) {
        Ok(index) => Some(index),
        Err(e) => {
            eprintln!("{e}");
            None
        }
    }
}

/// `kubelab content search --lang zh 污点`: one line per hit, best first.
pub fn search(args: &SearchArgs) -> ExitCode {
    let Some(index) = build(&args.content) else {
        return ExitCode::from(super::EXIT_ERROR);
    };
    match index.search(args.lang, &args.query) {
        Ok(hits) if hits.is_empty() => {
            println!("no section matches");
            ExitCode::FAILURE
        }
        Ok(hits) => {
            for (i, hit) in hits.iter().enumerate() {
                let snippet: String = hit.snippet.iter().map(|p| p.text.as_str()).collect();
                println!(
                    "{:>2}. {} — {} — {}\n    {snippet}",
                    i + 1,
                    hit.href(args.lang),
                    hit.chapter_title,
                    hit.heading
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(super::EXIT_ERROR)
        }
    }
}

/// The queries of the issue, and a few of each kind a learner types: a word, two words, a
/// command flag, a field name, a word found nowhere.
const QUERIES: &[(Lang, &str)] = &[
    (Lang::Zh, "滚动更新"),
    (Lang::Zh, "污点"),
    (Lang::Zh, "持久卷"),
    (Lang::Zh, "就绪探针"),
    (Lang::Zh, "Service 端口"),
    (Lang::Zh, "不存在的词语"),
    (Lang::En, "taint"),
    (Lang::En, "NodePort range"),
    (Lang::En, "dry-run"),
    (Lang::En, "readiness probe"),
    (Lang::En, "kubectl"),
    (Lang::En, "nonexistentword"),
];

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn micros(d: Duration) -> String {
    format!("{:.0} µs", d.as_secs_f64() * 1e6)
}

/// `grep -rilF QUERY content/<lang>`: what a reader of the repository would type instead.
fn grep_once(args: &ContentArgs, lang: Lang, query: &str) -> Option<Duration> {
    let start = Instant::now();
    let status = Command::new("grep")
        .args(["-rilF", "--", query])
        .arg(args.content.join(lang.code()))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .ok()?;
    // 0: found, 1: not found; anything else means grep itself failed.
    (status.code().is_some_and(|c| c <= 1)).then(|| start.elapsed())
}

/// Prints markdown tables for BENCHMARKS.md.
pub fn bench(args: &BenchArgs) -> ExitCode {
    let start = Instant::now();
    let Some(index) = build(&args.content) else {
        return ExitCode::from(super::EXIT_ERROR);
    };
    let load_and_build = start.elapsed();
    // Untimed in the table: the first pass over the queries (cold CPU caches).
    let warm = Instant::now();
    for (lang, q) in QUERIES {
        if let Err(e) = index.search(*lang, q) {
            eprintln!("{q}: {e}");
            return ExitCode::from(super::EXIT_ERROR);
        }
    }
    let first_queries = warm.elapsed();
    let rounds = args.rounds.max(1);
    let mut all = Vec::new();
    let mut all_grep = Vec::new();
    println!("| lang | query | hits | top hit | p50 | p99 | grep -rilF p50 | grep p99 |");
    println!("|---|---|---|---|---|---|---|---|");
    for (lang, q) in QUERIES {
        let mut times = Vec::with_capacity(rounds);
        let mut hits = Vec::new();
        for _ in 0..rounds {
            let t = Instant::now();
            hits = index.search(*lang, q).unwrap_or_default();
            times.push(t.elapsed());
        }
        let mut greps: Vec<Duration> = (0..args.grep_rounds)
            .filter_map(|_| grep_once(&args.content, *lang, q))
            .collect();
        times.sort();
        greps.sort();
        let top = hits
            .first()
            .map(|h| format!("`{}`", h.href(*lang)))
            .unwrap_or_else(|| "—".into());
        println!(
            "| {} | {q} | {} | {top} | {} | {} | {} | {} |",
            lang.code(),
            hits.len(),
            micros(percentile(&times, 50.0)),
            micros(percentile(&times, 99.0)),
            micros(percentile(&greps, 50.0)),
            micros(percentile(&greps, 99.0)),
        );
        all.extend(times);
        all_grep.extend(greps);
    }
    all.sort();
    all_grep.sort();
    let (p50, p99) = (percentile(&all, 50.0), percentile(&all, 99.0));
    let (g50, g99) = (percentile(&all_grep, 50.0), percentile(&all_grep, 99.0));
    println!();
    println!("| what | value |");
    println!("|---|---|");
    println!(
        "| all {} queries × {rounds} rounds: p50 / p99 / max | {} / {} / {} |",
        QUERIES.len(),
        micros(p50),
        micros(p99),
        micros(all.last().copied().unwrap_or_default())
    );
    println!(
        "| grep -rilF, {} runs per query: p50 / p99 | {} / {} |",
        args.grep_rounds,
        micros(g50),
        micros(g99)
    );
    if !p50.is_zero() && !p99.is_zero() {
        println!(
            "| ratio grep / search: p50 / p99 | {:.1}× / {:.1}× |",
            g50.as_secs_f64() / p50.as_secs_f64(),
            g99.as_secs_f64() / p99.as_secs_f64()
        );
    }
    println!("| sections indexed (zh + en) | {} |", index.sections());
    println!(
        "| index build, both languages (includes loading jieba's dictionary) | {} ms |",
        index.built_in().as_millis()
    );
    println!(
        "| load content + build index | {} ms |",
        load_and_build.as_millis()
    );
    println!(
        "| first pass over the {} queries | {} ms |",
        QUERIES.len(),
        first_queries.as_millis()
    );
    match index.ram_bytes() {
        Ok(bytes) => println!(
            "| index in RAM (tantivy + kept section texts) | {:.2} MB |",
            bytes as f64 / 1e6
        ),
        Err(e) => eprintln!("index size: {e}"),
    }
    ExitCode::SUCCESS
}
