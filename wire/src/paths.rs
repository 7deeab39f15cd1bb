//! The API's URLs, built in one place for the islands and the server's route table alike.

/// `/api/exercises/{id}/{action}` (`submit`, `check`, `live`).
pub fn exercise(id: &str, action: &str) -> String {
    format!("/api/exercises/{id}/{action}")
}

/// `/api/teach/classrooms/{id}`, the board; append `/events`, `/grade`, … for the rest.
pub fn classroom(id: &str) -> String {
    format!("/api/teach/classrooms/{id}")
}
