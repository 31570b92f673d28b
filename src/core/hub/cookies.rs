//! The Cookies tab's side of the hub (filled by the cookies work).

use super::{Effect, Hub};
use crate::core::protocol::PanelRequest;

impl Hub {
    pub(super) fn cookie_request(&mut self, tab: i64, request: PanelRequest) -> Vec<Effect> {
        let _ = (tab, request);
        vec![]
    }

    /// The cookies API listed `cookies` (JSON array) for `tab`'s page.
    pub fn cookies_listed(&mut self, tab: i64, cookies: &str) -> Vec<Effect> {
        let _ = (tab, cookies);
        vec![]
    }

    /// A cookie changed in the browser: list again for every tab whose page sees it.
    pub fn cookie_changed(&mut self, cookie: &str) -> Vec<Effect> {
        let _ = cookie;
        vec![]
    }
}
