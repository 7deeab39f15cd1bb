//! Which WASM a page loads. Each page kind gets a bundle with only its own islands (the
//! `frontend` crate's features; `scripts/build-site` builds one per kind), so a learner reading a
//! lesson never downloads the instructor's board. On lesson pages the exercise panel's bundle,
//! the largest, loads only when the learner nears an exercise.

/// A WASM bundle under `pkg/`: `{name}.js` and `{name}_bg.wasm`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bundle {
    /// Home, lessons, search, not-found: copy buttons and chapter progress bars.
    Reader,
    /// The exercise panel; loaded after [`Bundle::Reader`] on pages that have one.
    Exercise,
    /// My lab: sign-in and the learner's lab.
    Account,
    /// The instructor's pages: classrooms and the board.
    Teach,
}

impl Bundle {
    /// Every bundle, in the order `scripts/build-site` builds them.
    pub const ALL: [Bundle; 4] = [
        Bundle::Reader,
        Bundle::Exercise,
        Bundle::Account,
        Bundle::Teach,
    ];

    /// The bundle a page at `path` (`/{lang}/…`) loads first.
    pub fn for_path(path: &str) -> Bundle {
        let mut parts = path.trim_start_matches('/').split('/');
        match (parts.next(), parts.next()) {
            (Some(_), Some("me")) => Bundle::Account,
            (Some(_), Some("teach")) => Bundle::Teach,
            _ => Bundle::Reader,
        }
    }

    /// The bundle loaded on demand after this one, and the island that asks for it.
    pub fn lazy(self) -> Option<(Bundle, &'static str)> {
        (self == Bundle::Reader).then_some((Bundle::Exercise, "ExercisePanel"))
    }

    /// Its file name stem under `pkg/`, and its `frontend` feature after the dash.
    pub fn name(self) -> &'static str {
        match self {
            Bundle::Reader => "kubelab-reader",
            Bundle::Exercise => "kubelab-exercise",
            Bundle::Account => "kubelab-account",
            Bundle::Teach => "kubelab-teach",
        }
    }
}

/// The preload hints and the inline loader for the page at `path`, in place of leptos'
/// `HydrationScripts` (which knows one bundle per site).
#[cfg(feature = "ssr")]
#[leptos::component]
pub fn BundleScripts(path: String) -> impl leptos::IntoView {
    use leptos::prelude::*;

    let main = Bundle::for_path(&path);
    let lazy = match main.lazy() {
        Some((b, island)) => format!(r#"{{"bundle":"{}","island":"{island}"}}"#, b.name()),
        None => "null".into(),
    };
    let loader = format!(
        r#"{}("/pkg", "{}", {lazy});"#,
        include_str!("bundle.js").trim_end(),
        main.name()
    );
    // leptos' own script does this: the page is rendered, not hydrated, until an island takes over.
    if let Some(sc) = Owner::current_shared_context() {
        sc.set_is_hydrating(false);
    }
    view! {
        <link rel="modulepreload" href=format!("/pkg/{}.js", main.name()) />
        <link rel="preload" href=format!("/pkg/{}_bg.wasm", main.name()) r#as="fetch"
            r#type="application/wasm" crossorigin="" />
        <script type="module">{loader}</script>
    }
}

#[cfg(test)]
mod tests {
    use super::Bundle;

    #[test]
    fn each_page_kind_loads_its_own_bundle() {
        for (path, bundle) in [
            ("/en", Bundle::Reader),
            ("/zh/learn/deployment", Bundle::Reader),
            ("/en/search", Bundle::Reader),
            ("/en/nowhere", Bundle::Reader),
            ("/", Bundle::Reader),
            ("/zh/me", Bundle::Account),
            ("/en/teach", Bundle::Teach),
            ("/en/teach/42", Bundle::Teach),
            ("/en/learn/me", Bundle::Reader),
        ] {
            assert_eq!(Bundle::for_path(path), bundle, "{path}");
        }
        assert_eq!(
            Bundle::Reader.lazy(),
            Some((Bundle::Exercise, "ExercisePanel"))
        );
        assert_eq!(Bundle::Teach.lazy(), None);
    }
}
