//! Server-rendered pages, one per file. Pages place islands (`crate::islands`) for everything
//! that depends on who is looking; the rest is static HTML, so lesson pages can be cached and are
//! the same for everyone.

mod board;
mod frame;
mod home;
mod lesson;
mod me;
mod not_found;
mod search;
mod teach;
mod terminal;

pub use board::BoardPage;
pub use frame::{Footer, Frame, Header};
pub use home::HomePage;
pub use lesson::LessonPage;
pub use me::MePage;
pub use not_found::NotFound;
pub use search::SearchPage;
pub use teach::TeachPage;

/// The account routes render their shell and island on the server, with no data.
#[cfg(all(test, feature = "ssr"))]
mod tests {
    use leptos::prelude::*;
    use leptos_router::location::RequestUrl;

    fn render(path: &str) -> String {
        let owner = Owner::new();
        owner.with(|| {
            provide_context(RequestUrl::new(path));
            view! { <crate::App /> }.to_html()
        })
    }

    fn island_count(html: &str, name: &str) -> usize {
        html.matches("<leptos-island")
            .count()
            .min(html.matches(name).count())
    }

    #[test]
    fn me_page_renders_shell_and_my_lab_island() {
        let html = render("/en/me");
        assert!(html.contains("<h1>My lab</h1>"), "{html}");
        assert!(html.contains("class=\"site-header\""));
        assert_eq!(island_count(&html, "MyLab"), 1, "{html}");
        assert!(html.contains("data-state=\"loading\""));
        let zh = render("/zh/me");
        assert!(zh.contains("<h1>我的实验</h1>"), "{zh}");
    }

    #[test]
    fn teach_page_renders_shell_and_teach_home_island() {
        let html = render("/zh/teach");
        assert!(html.contains("<h1>教师</h1>"), "{html}");
        assert_eq!(island_count(&html, "TeachHome"), 1, "{html}");
    }

    #[test]
    fn board_page_renders_shell_and_board_island_with_classroom_id() {
        let html = render("/en/teach/c42");
        assert!(html.contains("<h1>Classroom board</h1>"), "{html}");
        assert_eq!(island_count(&html, "ClassBoard"), 1, "{html}");
        assert!(
            html.contains("c42"),
            "the island gets the classroom id: {html}"
        );
        assert!(html.contains("data-action=\"grade\""));
        assert!(html.contains("data-feed=\"connecting\""));
    }

    #[test]
    fn unknown_language_is_not_found() {
        let html = render("/fr/me");
        assert!(html.contains("404"), "{html}");
        assert!(!html.contains("<leptos-island"), "{html}");
    }
}
