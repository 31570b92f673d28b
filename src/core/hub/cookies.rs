//! The Cookies view's side of the hub: list the page's HubSpot cookies through the cookies API
//! and delete exactly the ones a panel names, and only if they are the page's own.
//!
//! Flow: a panel asks (`cookies`) → `Effect::ListCookies{tab, url, domains}` → the shim answers
//! with [`Hub::cookies_listed`] → `PanelUpdate::Cookies` to the tab's panels. The answer is filtered
//! here ([`crate::core::cookies::page_cookies`]) and kept as the tab's LAST LISTING: a deletion is
//! carried out only for cookies of that listing (same name, domain, path, store and partition),
//! so a forged or stale request cannot touch another site's cookies.

use super::{Effect, Hub};
use crate::core::cookies::{absent_rows, page_cookies, parse_raw_cookies, resolve, rows, PageOrigin, RawCookie};
use crate::core::protocol::{CookieRef, PanelRequest, PanelUpdate};
use serde_json::{json, Value};

/// Largest cookies API answer read (Chromium keeps at most ~3,300 cookies in all).
const MAX_ANSWER_BYTES: usize = 8 << 20;
/// Most changed cookies looked at per coalesced `cookies.onChanged` call.
const MAX_CHANGES: usize = 1000;

/// The cookies state of one tab (memory only: after a worker restart the first deletion lists
/// again and is checked against that fresh listing).
#[derive(Debug, Clone, Default)]
pub(super) struct CookieState {
    /// The last listing: the page it was made for, the tab's store, the page's HubSpot cookies.
    listing: Option<Listing>,
    /// A deletion that waits for a listing of the current page (there was none, or a stale one).
    pending: Option<PendingDelete>,
    /// Cookies just deleted: the next listing reports any that are still there.
    removing: Vec<RawCookie>,
}

#[derive(Debug, Clone)]
struct Listing {
    page: PageOrigin,
    store_id: Option<String>,
    cookies: Vec<RawCookie>,
}

#[derive(Debug, Clone)]
struct PendingDelete {
    refs: Vec<CookieRef>,
    then_reset_widget: bool,
}

fn cookies_update(cookies: &[RawCookie], error: Option<String>) -> PanelUpdate {
    PanelUpdate::Cookies { cookies: rows(cookies), error }
}

fn list_cookies(tab: i64, url: String, page: &PageOrigin) -> Effect {
    Effect::ListCookies { tab, url, domains: page.cookie_domains() }
}

impl Hub {
    fn page_origin(&self, tab: i64) -> Option<(String, PageOrigin)> {
        let url = self.page_url(tab)?;
        PageOrigin::parse(url).map(|origin| (url.to_string(), origin))
    }

    /// The rows of the tab's last listing (absent chat cookies before any), with `error`.
    fn cookies_error(&self, tab: i64, error: String) -> Vec<Effect> {
        let listing = self.tabs.get(&tab).and_then(|t| t.cookies.listing.as_ref());
        let update = match listing {
            Some(listing) => cookies_update(&listing.cookies, Some(error)),
            None => PanelUpdate::Cookies { cookies: absent_rows(), error: Some(error) },
        };
        self.to_panels(tab, &update).into_iter().collect()
    }

    fn no_page_error(&self, tab: i64) -> Vec<Effect> {
        let error = match self.page_url(tab) {
            None => "The page has not reported its address yet: reload it.".to_string(),
            Some(_) => "Only http and https pages have cookies.".to_string(),
        };
        self.cookies_error(tab, error)
    }

    pub(super) fn cookie_request(&mut self, tab: i64, request: PanelRequest) -> Vec<Effect> {
        let Some((url, page)) = self.page_origin(tab) else {
            return self.no_page_error(tab);
        };
        match request {
            PanelRequest::DeleteCookies { cookies: refs, then_reset_widget } => {
                let state = &mut self.tabs.get_mut(&tab).expect("a tab with a page URL exists").cookies;
                let current = state.listing.as_ref().filter(|l| l.page == page);
                match current {
                    Some(listing) => match resolve(&listing.cookies, &refs) {
                        Ok(found) => {
                            let found: Vec<RawCookie> = found.into_iter().cloned().collect();
                            self.delete_now(tab, url, &page, found, then_reset_widget)
                        }
                        Err(error) => self.cookies_error(tab, error),
                    },
                    None => {
                        // No listing of this page in memory (a restarted worker, a navigation):
                        // list first, then check the request against that listing.
                        state.pending = Some(PendingDelete { refs, then_reset_widget });
                        vec![list_cookies(tab, url, &page)]
                    }
                }
            }
            _ => vec![list_cookies(tab, url, &page)],
        }
    }

    /// Delete `cookies` (checked against the listing), list again, then optionally reset the
    /// widget through the same path as a panel's `clear({resetWidget:true})` call.
    fn delete_now(
        &mut self,
        tab: i64,
        url: String,
        page: &PageOrigin,
        cookies: Vec<RawCookie>,
        then_reset_widget: bool,
    ) -> Vec<Effect> {
        let details = cookies.iter().map(RawCookie::removal_details).collect();
        if let Some(state) = self.tabs.get_mut(&tab) {
            state.cookies.removing = cookies;
        }
        let mut effects = vec![Effect::RemoveCookies { tab, cookies: details }, list_cookies(tab, url, page)];
        if then_reset_widget {
            effects.extend(self.call_sdk(tab, "clear".into(), vec![json!({ "resetWidget": true })]));
        }
        effects
    }

    /// The cookies API listed the cookies for `tab`'s page: `{"url", "store_id", "cookies": [...],
    /// "error"}` as JSON text (a bare array of cookies is accepted too).
    pub fn cookies_listed(&mut self, tab: i64, cookies: &str) -> Vec<Effect> {
        if !self.tabs.contains_key(&tab) {
            return vec![]; // the tab closed meanwhile
        }
        if cookies.len() > MAX_ANSWER_BYTES {
            return self.cookies_error(tab, "The cookies API answered with too much data.".into());
        }
        let answer: Value = serde_json::from_str(cookies).unwrap_or(Value::Null);
        let (url, store_id, list, api_error) = match answer {
            Value::Array(_) => (None, None, answer, None),
            Value::Object(mut map) => (
                map.get("url").and_then(Value::as_str).map(str::to_string),
                map.get("store_id").and_then(Value::as_str).map(str::to_string),
                map.remove("cookies").unwrap_or(Value::Null),
                map.get("error").and_then(Value::as_str).map(str::to_string),
            ),
            _ => (None, None, Value::Null, Some("unreadable answer".to_string())),
        };
        let Some(page) = url.as_deref().or(self.page_url(tab)).and_then(PageOrigin::parse) else {
            return self.no_page_error(tab);
        };
        if let Some(api_error) = api_error {
            if let Some(state) = self.tabs.get_mut(&tab) {
                state.cookies.pending = None;
            }
            return self
                .cookies_error(tab, format!("The cookies API failed: {}", crate::core::cookies::cap(&api_error, 300)));
        }
        let listed = page_cookies(&page, store_id.as_deref(), parse_raw_cookies(list));
        let state = &mut self.tabs.get_mut(&tab).expect("checked above").cookies;
        let still_there: Vec<String> = std::mem::take(&mut state.removing)
            .into_iter()
            .filter(|gone| listed.iter().any(|c| c == gone))
            .map(|c| format!("{} (domain {}, path {})", c.name, c.domain, c.path))
            .collect();
        let mut error =
            (!still_there.is_empty()).then(|| format!("The browser did not delete {}.", still_there.join(", ")));
        state.listing = Some(Listing { page: page.clone(), store_id, cookies: listed });
        let mut effects = vec![];
        if let Some(pending) = state.pending.take() {
            // Only a listing of the page the tab shows NOW may authorise a deletion.
            let current = self.page_origin(tab).filter(|(_, p)| *p == page);
            let listing = &self.tabs[&tab].cookies.listing.as_ref().expect("just stored").cookies;
            match (current, resolve(listing, &pending.refs)) {
                (Some((url, page)), Ok(found)) => {
                    let found: Vec<RawCookie> = found.into_iter().cloned().collect();
                    effects = self.delete_now(tab, url, &page, found, pending.then_reset_widget);
                }
                (None, _) => error = Some("Nothing was deleted: the page changed. Try again.".into()),
                (_, Err(refused)) => error = Some(refused),
            }
        }
        let listing = &self.tabs[&tab].cookies.listing.as_ref().expect("just stored").cookies;
        let update = self.to_panels(tab, &cookies_update(listing, error));
        update.into_iter().chain(effects).collect()
    }

    /// Cookies changed in the browser (`cookies.onChanged`, coalesced by the shim): one cookie or
    /// an array of them, as JSON text. Lists again for every watched tab whose page sees one of
    /// them (a panel that starts watching asks for a fresh listing itself).
    pub fn cookie_changed(&mut self, cookie: &str) -> Vec<Effect> {
        if cookie.len() > MAX_ANSWER_BYTES {
            return vec![];
        }
        let changed: Vec<Value> = match serde_json::from_str(cookie) {
            Ok(Value::Array(items)) => items.into_iter().take(MAX_CHANGES).collect(),
            Ok(item @ Value::Object(_)) => vec![item],
            _ => return vec![],
        };
        let changed: Vec<(String, bool, Option<String>)> = changed
            .iter()
            .filter_map(|c| {
                let domain = c.get("domain")?.as_str()?.to_string();
                let host_only = c.get("hostOnly").and_then(Value::as_bool).unwrap_or(false);
                let store = c.get("storeId").and_then(Value::as_str).map(str::to_string);
                Some((domain, host_only, store))
            })
            .collect();
        let tabs: Vec<i64> = self.tabs.keys().copied().filter(|tab| self.is_watched(*tab)).collect();
        let mut effects = vec![];
        for tab in tabs {
            let Some((url, page)) = self.page_origin(tab) else { continue };
            let tab_store = self.tabs[&tab].cookies.listing.as_ref().and_then(|l| l.store_id.clone());
            let sees = changed.iter().any(|(domain, host_only, store)| {
                let same_store = match (&tab_store, store) {
                    (Some(tab_store), Some(store)) => tab_store == store,
                    _ => true,
                };
                same_store && crate::core::cookies::domain_matches(domain, *host_only, &page.host)
            });
            if sees {
                effects.push(list_cookies(tab, url, &page));
            }
        }
        effects
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::cookies::RawCookie;
    use crate::core::protocol::{decode_panel_update, encode_panel_request, CookieRow};

    fn cookie(name: &str, domain: &str, path: &str, value: &str) -> RawCookie {
        RawCookie { value: value.into(), secure: true, ..crate::core::cookies::tests::cookie(name, domain, path) }
    }

    /// A panel port watches `tab` (port id = tab id).
    fn watch(hub: &mut Hub, tab: i64) {
        if hub.panels.get(&(tab as u32)) != Some(&Some(tab)) {
            hub.panel_connected(tab as u32);
            hub.panel_message(tab as u32, &format!(r#"{{"v":1,"type":"subscribe","tab":{tab}}}"#));
        }
    }

    /// `text` from the panel port watching `tab`.
    fn request(hub: &mut Hub, tab: i64, text: &str) -> Vec<Effect> {
        watch(hub, tab);
        hub.panel_message(tab as u32, text)
    }

    fn list(tab: i64, url: &str) -> Effect {
        list_cookies(tab, url.into(), &PageOrigin::parse(url).unwrap())
    }

    /// A hub whose tab 1 shows `url` (its relay reported a batch), watched by a panel.
    fn hub_on(url: &str) -> Hub {
        let mut hub = Hub::default();
        watch(&mut hub, 1);
        let data = json!({"v":1,"doc":"d1","url":url,"time_origin":0,"dropped":0,"records":[]}).to_string();
        hub.relay_message(1, url, &json!({"v":1,"type":"page","batch":1,"data":data}).to_string(), 0.0);
        hub
    }

    fn navigate(hub: &mut Hub, doc: &str, url: &str) {
        let data = json!({"v":1,"doc":doc,"url":url,"time_origin":0,"dropped":0,"records":[]}).to_string();
        hub.relay_message(1, url, &json!({"v":1,"type":"page","batch":2,"data":data}).to_string(), 0.0);
    }

    fn answer(url: &str, cookies: &[RawCookie]) -> String {
        json!({"url": url, "store_id": "0", "cookies": cookies, "error": null}).to_string()
    }

    fn cookie_updates(effects: &[Effect]) -> Vec<(Vec<CookieRow>, Option<String>)> {
        effects
            .iter()
            .filter_map(|e| match e {
                Effect::ToPanels { message, .. } => match decode_panel_update(message).unwrap() {
                    PanelUpdate::Cookies { cookies, error } => Some((cookies, error)),
                    _ => None,
                },
                _ => None,
            })
            .collect()
    }

    fn delete_request(refs: &[CookieRef], reset: bool) -> String {
        encode_panel_request(&PanelRequest::DeleteCookies { cookies: refs.to_vec(), then_reset_widget: reset })
    }

    fn removed(effects: &[Effect]) -> Vec<Value> {
        effects
            .iter()
            .flat_map(|e| match e {
                Effect::RemoveCookies { cookies, .. } => cookies.clone(),
                _ => vec![],
            })
            .collect()
    }

    const SHOP: &str = "https://shop.example.test:8443/index.html";

    fn shop_cookies() -> Vec<RawCookie> {
        vec![
            cookie("messagesUtk", ".shop.example.test", "/", "loader"),
            cookie("messagesUtk", ".example.test", "/", "parent"),
            cookie("messagesUtk", "shop.example.test", "/account", "path"),
            cookie("messagesUtk", ".other.test", "/", "other-site"),
            cookie("hubspotutk", ".example.test", "/", "h"),
        ]
    }

    /// Tab 1 on SHOP with a listing of shop_cookies().
    fn listed_hub() -> Hub {
        let mut hub = hub_on(SHOP);
        hub.cookies_listed(1, &answer(SHOP, &shop_cookies()));
        hub
    }

    #[test]
    fn a_cookies_request_lists_for_the_tabs_current_page() {
        let mut hub = hub_on(SHOP);
        let effects = request(&mut hub, 1, r#"{"v":1,"type":"cookies"}"#);
        assert_eq!(effects, vec![list(1, SHOP)]);
        let Effect::ListCookies { domains, .. } = &effects[0] else { panic!() };
        assert_eq!(domains, &["shop.example.test", "example.test"]);
        // Not subscribed: refused; a tab without a page: an explanation, not a listing.
        hub.panel_connected(99);
        assert!(hub.panel_message(99, r#"{"v":1,"type":"cookies"}"#).iter().all(|e| matches!(e, Effect::Warn { .. })));
        let effects = request(&mut hub, 9, r#"{"v":1,"type":"cookies"}"#);
        let updates = cookie_updates(&effects);
        assert_eq!(updates.len(), 1);
        assert!(updates[0].1.as_deref().unwrap().contains("not reported its address"));
        assert_eq!(updates[0].0.len(), 3, "the chat cookies are still listed, as absent");
        let mut hub = hub_on("chrome://newtab/");
        let updates = cookie_updates(&request(&mut hub, 1, r#"{"v":1,"type":"cookies"}"#));
        assert!(updates[0].1.as_deref().unwrap().contains("http and https"));
    }

    #[test]
    fn a_page_that_reports_another_sites_url_gets_its_own_cookies_only() {
        // The browser says the relay's frame is on SHOP; the page claims to be the bank.
        let mut hub = Hub::default();
        watch(&mut hub, 1);
        for (batch, doc) in [(1, "d1"), (2, "forged")] {
            let data = json!({"v":1,"doc":doc,"url":"https://bank.test/","time_origin":0,"dropped":0,"records":[]});
            let page = json!({"v":1,"type":"page","batch":batch,"data":data.to_string()}).to_string();
            hub.relay_message(1, SHOP, &page, 0.0);
            assert_eq!(hub.page_url(1), Some(SHOP));
            assert_eq!(hub.tabs[&1].status().url, SHOP, "the status shows the browser's URL");
            let effects = request(&mut hub, 1, r#"{"v":1,"type":"cookies"}"#);
            assert_eq!(effects, vec![list(1, SHOP)]);
        }
        // A listing answered for the bank (a stale or forged answer) authorises nothing there.
        let bank_utk = cookie("messagesUtk", ".bank.test", "/", "bank");
        hub.cookies_listed(1, &answer("https://bank.test/", std::slice::from_ref(&bank_utk)));
        let effects = request(&mut hub, 1, &delete_request(&[bank_utk.reference()], false));
        assert!(removed(&effects).is_empty(), "{effects:?}");
        // The page's own path on the browser's host is shown (it narrows, never widens).
        let data = json!({"v":1,"doc":"d3","url":format!("{SHOP}#cart"),"time_origin":0,"dropped":0,"records":[]});
        hub.relay_message(1, SHOP, &json!({"v":1,"type":"page","batch":3,"data":data.to_string()}).to_string(), 0.0);
        assert_eq!(hub.tabs[&1].status().url, format!("{SHOP}#cart"));
        // No URL from the browser: no cookie operation at all, whatever the page says.
        let mut hub = Hub::default();
        watch(&mut hub, 1);
        let data = json!({"v":1,"doc":"d1","url":SHOP,"time_origin":0,"dropped":0,"records":[]});
        hub.relay_message(1, "", &json!({"v":1,"type":"page","batch":1,"data":data.to_string()}).to_string(), 0.0);
        let updates = cookie_updates(&request(&mut hub, 1, r#"{"v":1,"type":"cookies"}"#));
        assert!(updates[0].1.as_deref().unwrap().contains("not reported its address"));
    }

    #[test]
    fn a_listing_becomes_rows_of_the_pages_own_cookies() {
        let mut hub = hub_on(SHOP);
        let effects = hub.cookies_listed(1, &answer(SHOP, &shop_cookies()));
        let updates = cookie_updates(&effects);
        assert_eq!(effects.len(), 1);
        let (rows, error) = &updates[0];
        assert_eq!(*error, None);
        let view: Vec<(&str, &str, &str, bool)> =
            rows.iter().map(|r| (r.name.as_str(), r.domain.as_str(), r.path.as_str(), r.present)).collect();
        assert_eq!(
            view,
            vec![
                ("messagesUtk", "shop.example.test", "/account", true),
                ("messagesUtk", ".shop.example.test", "/", true),
                ("messagesUtk", ".example.test", "/", true),
                ("hs-messages-is-open", "", "", false),
                ("hs-messages-hide-welcome-message", "", "", false),
                ("hubspotutk", ".example.test", "/", true),
            ]
        );
        // Another store's cookies (a Firefox container) are not the tab's.
        let mut container = cookie("hs-messages-is-open", ".example.test", "/", "c");
        container.store_id = "firefox-container-2".into();
        let rows = &cookie_updates(&hub.cookies_listed(1, &answer(SHOP, &[container])))[0].0;
        assert!(rows.iter().all(|r| !r.present));
        // A listing for a closed tab is dropped; a bare array is accepted.
        assert!(hub.cookies_listed(42, &answer(SHOP, &shop_cookies())).is_empty());
        let bare = serde_json::to_string(&shop_cookies()).unwrap();
        assert_eq!(cookie_updates(&hub.cookies_listed(1, &bare))[0].0.len(), 6);
    }

    #[test]
    fn a_failed_listing_is_reported() {
        let mut hub = listed_hub();
        let text = json!({"url": SHOP, "store_id": null, "cookies": [], "error": "No host permission"}).to_string();
        let updates = cookie_updates(&hub.cookies_listed(1, &text));
        assert!(updates[0].1.as_deref().unwrap().contains("No host permission"));
        assert_eq!(updates[0].0.len(), 6, "the last listing stays on screen");
        let updates = cookie_updates(&hub.cookies_listed(1, "{{{"));
        assert!(updates[0].1.as_deref().unwrap().contains("unreadable answer"));
        let updates = cookie_updates(&hub.cookies_listed(1, &"x".repeat(MAX_ANSWER_BYTES + 1)));
        assert!(updates[0].1.as_deref().unwrap().contains("too much data"));
    }

    #[test]
    fn delete_removes_exactly_the_listed_cookie_then_lists_again() {
        let mut hub = listed_hub();
        let parent = cookie("messagesUtk", ".example.test", "/", "parent");
        let effects = request(&mut hub, 1, &delete_request(&[parent.reference()], false));
        assert_eq!(removed(&effects), vec![parent.removal_details()]);
        assert!(matches!(effects[0], Effect::RemoveCookies { tab: 1, .. }));
        assert_eq!(effects[1], list(1, SHOP));
        assert_eq!(effects.len(), 2, "no widget reset unless asked");
        // The next listing no longer has it: no error.
        let remaining: Vec<RawCookie> = shop_cookies().into_iter().filter(|c| *c != parent).collect();
        let updates = cookie_updates(&hub.cookies_listed(1, &answer(SHOP, &remaining)));
        assert_eq!(updates[0].1, None);
        // Had it survived, the user is told.
        request(&mut hub, 1, &delete_request(&[shop_cookies()[0].reference()], false));
        let updates = cookie_updates(&hub.cookies_listed(1, &answer(SHOP, &remaining)));
        assert!(updates[0].1.as_deref().unwrap().contains("did not delete messagesUtk (domain .shop.example.test"));
    }

    #[test]
    fn a_forged_or_foreign_delete_removes_nothing() {
        let mut hub = listed_hub();
        let other_site = cookie("messagesUtk", ".other.test", "/", "other-site");
        let forged = [
            other_site.reference(),
            CookieRef { domain: "bank.test".into(), ..other_site.reference() },
            CookieRef { path: "/".into(), ..cookie("messagesUtk", "shop.example.test", "/account", "").reference() },
            CookieRef { store_id: "1".into(), ..shop_cookies()[0].reference() },
            // Listed by the API but not one of the tab's cookies (not HubSpot's).
            cookie("sessionid", "shop.example.test", "/", "").reference(),
        ];
        for reference in forged {
            // Even next to a legitimate reference: all or nothing.
            let delete = delete_request(&[shop_cookies()[0].reference(), reference.clone()], true);
            let effects = request(&mut hub, 1, &delete);
            assert!(removed(&effects).is_empty(), "{reference:?} removed something: {effects:?}");
            assert!(!effects.iter().any(|e| matches!(e, Effect::ToRelay { .. })), "no reset after a refused delete");
            let updates = cookie_updates(&effects);
            assert!(updates[0].1.as_deref().unwrap().starts_with("Nothing was deleted"), "{updates:?}");
        }
        // A malformed request (no cookie, too many) is refused by the decoder.
        let none = r#"{"v":1,"type":"delete_cookies","cookies":[],"then_reset_widget":true}"#;
        assert!(request(&mut hub, 1, none).iter().all(|e| matches!(e, Effect::Warn { .. })));
    }

    #[test]
    fn another_sites_same_name_cookie_is_never_listed_or_deleted() {
        // Tab 1 on shop.example.test, tab 2 on other.test; both have a messagesUtk.
        let mut hub = listed_hub();
        let data = json!({"v":1,"doc":"o","url":"https://other.test/","time_origin":0,"dropped":0,"records":[]});
        let url = data["url"].as_str().unwrap();
        hub.relay_message(2, url, &json!({"v":1,"type":"page","batch":1,"data":data.to_string()}).to_string(), 0.0);
        hub.cookies_listed(2, &answer("https://other.test/", &shop_cookies()));
        let other = cookie("messagesUtk", ".other.test", "/", "other-site");
        // Tab 2 may delete it; tab 1 may not.
        assert!(removed(&request(&mut hub, 1, &delete_request(&[other.reference()], false))).is_empty());
        assert_eq!(
            removed(&request(&mut hub, 2, &delete_request(&[other.reference()], false))),
            vec![other.removal_details()]
        );
        // And tab 2 may not delete shop's.
        assert!(removed(&request(&mut hub, 2, &delete_request(&[shop_cookies()[0].reference()], false))).is_empty());
    }

    #[test]
    fn a_delete_after_navigation_or_restart_is_checked_against_a_fresh_listing() {
        let mut hub = listed_hub();
        navigate(&mut hub, "d2", "https://other.test/");
        // The last listing was of shop.example.test: refused until other.test is listed.
        let shop_utk = shop_cookies()[0].clone();
        let effects = request(&mut hub, 1, &delete_request(&[shop_utk.reference()], false));
        assert_eq!(effects, vec![list(1, "https://other.test/")]);
        let effects = hub.cookies_listed(1, &answer("https://other.test/", &shop_cookies()));
        assert!(removed(&effects).is_empty());
        assert!(cookie_updates(&effects)[0].1.as_deref().unwrap().starts_with("Nothing was deleted"));

        // A restarted worker has no listing: the delete waits for one, then goes ahead.
        let mut hub = hub_on(SHOP);
        let effects = request(&mut hub, 1, &delete_request(&[shop_utk.reference()], true));
        assert_eq!(effects, vec![list(1, SHOP)]);
        let effects = hub.cookies_listed(1, &answer(SHOP, &shop_cookies()));
        assert_eq!(cookie_updates(&effects)[0].1, None);
        assert_eq!(removed(&effects), vec![shop_utk.removal_details()]);
        assert!(effects.iter().any(|e| matches!(e, Effect::ToRelay { .. })));

        // A listing that answers for a page the tab no longer shows authorises nothing.
        let mut hub = hub_on(SHOP);
        request(&mut hub, 1, &delete_request(&[shop_utk.reference()], false));
        navigate(&mut hub, "d2", "https://other.test/");
        let effects = hub.cookies_listed(1, &answer(SHOP, &shop_cookies()));
        assert!(removed(&effects).is_empty());
        assert!(cookie_updates(&effects)[0].1.as_deref().unwrap().contains("page changed"));
    }

    #[test]
    fn reset_with_reload_deletes_then_lists_then_calls_clear_like_the_widget_tab() {
        let mut hub = listed_hub();
        let chat: Vec<CookieRef> = shop_cookies()[..3].iter().map(RawCookie::reference).collect();
        let effects = request(&mut hub, 1, &delete_request(&chat, true));
        assert_eq!(removed(&effects).len(), 3);
        let kinds: Vec<&str> = effects
            .iter()
            .map(|e| match e {
                Effect::RemoveCookies { .. } => "remove",
                Effect::ListCookies { .. } => "list",
                Effect::ToRelay { .. } => "relay",
                Effect::Store { .. } => "store",
                _ => "other",
            })
            .collect();
        assert_eq!(kinds, vec!["remove", "list", "store", "relay"]);
        let Some(Effect::ToRelay { tab: 1, command, call: Some(id) }) = effects.last() else { panic!("{effects:?}") };
        let message: Value = serde_json::from_str(command).unwrap();
        assert_eq!(message["method"], "clear");
        assert_eq!(message["args"], json!([{"resetWidget": true}]));
        assert_eq!(message["id"], *id);
        // The call got the tab's next call id, exactly as a Widget-tab call would.
        let next = request(&mut hub, 1, r#"{"v":1,"type":"call","method":"widget.open","args":[]}"#);
        let Some(Effect::ToRelay { call: Some(next), .. }) = next.last() else { panic!() };
        assert_eq!(*next, id + 1);
    }

    #[test]
    fn a_cookie_change_lists_again_for_each_tab_that_sees_it() {
        let mut hub = listed_hub(); // tab 1: shop.example.test, store "0"
        let data = json!({"v":1,"doc":"o","url":"http://other.test/","time_origin":0,"dropped":0,"records":[]});
        let url = data["url"].as_str().unwrap();
        hub.relay_message(2, url, &json!({"v":1,"type":"page","batch":1,"data":data.to_string()}).to_string(), 0.0);
        let shop = list(1, SHOP);
        let other = list(2, "http://other.test/");
        let change = |domain: &str, host_only: bool, store: &str| {
            json!({"domain": domain, "hostOnly": host_only, "storeId": store, "name": "x"}).to_string()
        };
        assert_eq!(hub.cookie_changed(&change(".example.test", false, "0")), vec![shop.clone()]);
        assert_eq!(hub.cookie_changed(&change("shop.example.test", true, "0")), vec![shop.clone()]);
        assert_eq!(hub.cookie_changed(&change("example.test", true, "0")), vec![]);
        assert_eq!(hub.cookie_changed(&change("a.shop.example.test", false, "0")), vec![]);
        // Only watched tabs are listed: a panel that starts watching asks for a listing itself.
        assert_eq!(hub.cookie_changed(&change(".other.test", false, "0")), vec![]);
        watch(&mut hub, 2);
        assert_eq!(hub.cookie_changed(&change(".other.test", false, "0")), vec![other.clone()]);
        // Another store than the one tab 1 was listed from: not tab 1's cookie.
        assert_eq!(hub.cookie_changed(&change(".example.test", false, "1")), vec![]);
        // A coalesced batch: each tab once.
        let batch = format!(
            "[{},{},{}]",
            change(".example.test", false, "0"),
            change("shop.example.test", true, "0"),
            change("other.test", true, "0")
        );
        assert_eq!(hub.cookie_changed(&batch), vec![shop, other]);
        assert!(hub.cookie_changed("garbage").is_empty());
    }
}
