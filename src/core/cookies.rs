//! The Cookies view's rules, in plain Rust: which cookies a page sees, which of them the tab
//! shows, how a deletion request is checked, and how exactly one cookie is deleted.
//!
//! The cookies API's answers are untrusted data like everything else: bounded, and filtered here
//! (not in the JS shim) so the rules are unit-tested.

use super::protocol::{CookieRef, CookieRow};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// The cookies `clear()` deletes, in the order the view lists them (always, present or not).
pub const CHAT_COOKIES: [&str; 3] = ["messagesUtk", "hs-messages-is-open", "hs-messages-hide-welcome-message"];
/// Other HubSpot cookies shown beneath the chat cookies when present.
pub const RELATED_COOKIES: [&str; 8] = [
    "hubspotutk",
    "__hstc",
    "__hssc",
    "__hssrc",
    "__hs_opt_out",
    "__hs_do_not_track",
    "__hs_initial_opt_in",
    "__hs_cookie_cat_pref",
];
/// The newer loader's dragged-widget position cookies (`…_right`, `…_left`).
pub const WIDGET_POSITION_PREFIX: &str = "hs-messages-widget-position_";
/// Most cookies of one listing that are considered (after the name filter).
pub const MAX_COOKIES: usize = 500;
/// Most entries of a cookies API answer that are looked at.
pub const MAX_RAW_COOKIES: usize = 5000;
/// Longest value shown; deletion never uses the value.
pub const MAX_VALUE_BYTES: usize = 4096;

/// A cookie as the WebExtension cookies API describes it (`cookies.Cookie`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RawCookie {
    pub name: String,
    #[serde(default)]
    pub value: String,
    pub domain: String,
    #[serde(default)]
    pub host_only: bool,
    #[serde(default = "root_path")]
    pub path: String,
    #[serde(default)]
    pub secure: bool,
    #[serde(default)]
    pub http_only: bool,
    /// `no_restriction`, `lax`, `strict` or `unspecified`.
    #[serde(default)]
    pub same_site: String,
    #[serde(default)]
    pub session: bool,
    /// Seconds since the Unix epoch; absent for session cookies.
    #[serde(default)]
    pub expiration_date: Option<f64>,
    #[serde(default)]
    pub store_id: String,
    /// `{topLevelSite, hasCrossSiteAncestor?}` for a partitioned (CHIPS) cookie.
    #[serde(default, deserialize_with = "null_as_none")]
    pub partition_key: Option<Value>,
    /// Firefox with first-party isolation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_party_domain: Option<String>,
}

fn root_path() -> String {
    "/".into()
}

/// `null` and `{}` both mean "not partitioned".
fn null_as_none<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<Value>, D::Error> {
    let value = Option::<Value>::deserialize(deserializer)?;
    Ok(value.filter(|v| !v.is_null() && v.as_object().is_none_or(|o| !o.is_empty())))
}

/// The scheme and host of an http(s) page, lower-cased (`None` for any other URL).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageOrigin {
    pub scheme: String,
    pub host: String,
}

impl PageOrigin {
    pub fn parse(url: &str) -> Option<PageOrigin> {
        let (scheme, rest) = url.split_once("://")?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return None;
        }
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        let host = if host_port.starts_with('[') {
            host_port.split_inclusive(']').next().unwrap_or_default()
        } else {
            host_port.split(':').next().unwrap_or_default()
        };
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        (!host.is_empty()).then_some(PageOrigin { scheme, host })
    }
}

/// RFC 6265 §5.1.3 domain-match of `host` against a cookie's domain: a host-only cookie only
/// for its own host; a domain cookie (`.example.test`) for that domain and its subdomains.
pub fn domain_matches(cookie_domain: &str, host_only: bool, host: &str) -> bool {
    let domain = cookie_domain.strip_prefix('.').unwrap_or(cookie_domain).to_ascii_lowercase();
    let host = host.to_ascii_lowercase();
    if domain.is_empty() {
        return false;
    }
    if host_only || host == domain {
        return host == domain;
    }
    let is_ip = host.starts_with('[') || host.parse::<std::net::Ipv4Addr>().is_ok();
    !is_ip && host.len() > domain.len() && host.ends_with(&domain) && host[..host.len() - domain.len()].ends_with('.')
}

impl PageOrigin {
    /// The domains whose cookies the page may see, for the cookies API's `getAll({domain})`: the
    /// host and each parent domain (never a bare top-level domain), or just the host for an IP
    /// address or a single-label host. Every cookie [`domain_matches`] lets through has one of them.
    pub fn cookie_domains(&self) -> Vec<String> {
        let host = self.host.as_str();
        let is_ip = host.starts_with('[') || host.parse::<std::net::Ipv4Addr>().is_ok();
        let labels: Vec<&str> = host.split('.').collect();
        if is_ip || labels.len() == 1 {
            return vec![host.to_string()];
        }
        (0..labels.len() - 1).map(|i| labels[i..].join(".")).collect()
    }
}

/// A partitioned cookie is the page's only in the partition of its own top-level site (same
/// scheme, the site being the page host or a parent of it) and without a cross-site ancestor.
fn partition_visible(key: Option<&Value>, page: &PageOrigin) -> bool {
    let Some(key) = key else { return true };
    if key.get("hasCrossSiteAncestor").and_then(Value::as_bool) == Some(true) {
        return false;
    }
    let Some(site) = key.get("topLevelSite").and_then(Value::as_str).and_then(PageOrigin::parse) else {
        return false;
    };
    site.scheme == page.scheme && domain_matches(&site.host, false, &page.host)
}

/// Where a cookie name sits in the view: chat cookies first, in their order, then related ones.
fn rank(name: &str) -> Option<usize> {
    if let Some(i) = CHAT_COOKIES.iter().position(|n| *n == name) {
        return Some(i);
    }
    if let Some(i) = RELATED_COOKIES.iter().position(|n| *n == name) {
        return Some(CHAT_COOKIES.len() + i);
    }
    name.starts_with(WIDGET_POSITION_PREFIX).then_some(CHAT_COOKIES.len() + RELATED_COOKIES.len())
}

pub fn is_chat_cookie(name: &str) -> bool {
    CHAT_COOKIES.contains(&name)
}

/// Sort key: by name rank, then the cookie the browser sends first (longest path, then the most
/// specific domain), then name/domain/path for a stable order.
fn order_key(c: &RawCookie) -> (usize, String, std::cmp::Reverse<usize>, std::cmp::Reverse<usize>, bool, String) {
    (
        rank(&c.name).unwrap_or(usize::MAX),
        if rank(&c.name) == Some(CHAT_COOKIES.len() + RELATED_COOKIES.len()) { c.name.clone() } else { String::new() },
        std::cmp::Reverse(c.path.len()),
        std::cmp::Reverse(c.domain.trim_start_matches('.').len()),
        !c.host_only,
        format!(
            "{}\u{0}{}\u{0}{}",
            c.domain,
            c.path,
            c.partition_key.as_ref().map(Value::to_string).unwrap_or_default()
        ),
    )
}

/// Decodes a cookies API answer: an array of cookies. Entries that do not look like a cookie are
/// skipped; at most [`MAX_RAW_COOKIES`] are read.
pub fn parse_raw_cookies(value: Value) -> Vec<RawCookie> {
    match value {
        Value::Array(items) => {
            items.into_iter().take(MAX_RAW_COOKIES).filter_map(|item| serde_json::from_value(item).ok()).collect()
        }
        _ => vec![],
    }
}

/// The cookies of `raw` the page at `page` sees that the view shows: in the tab's store (when
/// known), domain-matching the page host (any path), in the page's own partition, with a chat
/// or related HubSpot name. Sorted in display order, at most [`MAX_COOKIES`].
pub fn page_cookies(page: &PageOrigin, store_id: Option<&str>, raw: Vec<RawCookie>) -> Vec<RawCookie> {
    let mut cookies: Vec<RawCookie> = raw
        .into_iter()
        .filter(|c| store_id.is_none_or(|s| c.store_id == s))
        .filter(|c| rank(&c.name).is_some())
        .filter(|c| domain_matches(&c.domain, c.host_only, &page.host))
        .filter(|c| partition_visible(c.partition_key.as_ref(), page))
        .collect();
    cookies.sort_by_cached_key(order_key);
    cookies.dedup_by(|a, b| same_identity(&a.reference(), b));
    cookies.truncate(MAX_COOKIES);
    cookies
}

impl RawCookie {
    pub fn reference(&self) -> CookieRef {
        CookieRef::new(&self.name, &self.domain, &self.path, &self.store_id, &self.partition_key)
    }

    pub fn row(&self) -> CookieRow {
        CookieRow {
            name: self.name.clone(),
            present: true,
            chat: is_chat_cookie(&self.name),
            value: cap(&self.value, MAX_VALUE_BYTES),
            domain: self.domain.clone(),
            host_only: self.host_only,
            path: self.path.clone(),
            expires: if self.session { None } else { self.expiration_date },
            same_site: self.same_site.clone(),
            secure: self.secure,
            http_only: self.http_only,
            store_id: self.store_id.clone(),
            partition_key: self.partition_key.clone(),
        }
    }

    /// Details for the cookies API that delete exactly this cookie.
    ///
    /// NOT `cookies.remove({url, name})`: Chromium's remove deletes EVERY cookie of that name
    /// that would be sent to the URL (measured: removing `.shop.example.test`'s `messagesUtk`
    /// also removed the host-only one and the parent `.example.test` one). `cookies.set` with the
    /// cookie's own identity (name, domain or host-only, path, store, partition) and an expiry in
    /// the past overwrites exactly that cookie and stores nothing — what `document.cookie` does
    /// to delete one. The URL uses https for a Secure cookie.
    pub fn removal_details(&self) -> Value {
        let host = self.domain.strip_prefix('.').unwrap_or(&self.domain);
        let scheme = if self.secure { "https" } else { "http" };
        let simple_path = self.path.starts_with('/')
            && self.path.bytes().all(|b| b.is_ascii_graphic() && !matches!(b, b'#' | b'?' | b'%' | b'\\'));
        let url_path = if simple_path { self.path.as_str() } else { "/" };
        let mut details = json!({
            "url": format!("{scheme}://{host}{url_path}"),
            "name": self.name,
            "value": "",
            "path": self.path,
            "secure": self.secure,
            "httpOnly": self.http_only,
            "storeId": self.store_id,
            // 1 s after the epoch: 0 would mean "no expiry" (a session cookie) to some browsers.
            "expirationDate": 1,
        });
        let map = details.as_object_mut().expect("an object");
        if !self.host_only {
            map.insert("domain".into(), self.domain.clone().into());
        }
        if !self.same_site.is_empty() {
            map.insert("sameSite".into(), self.same_site.clone().into());
        }
        if let Some(key) = &self.partition_key {
            map.insert("partitionKey".into(), key.clone());
        }
        if let Some(fpd) = &self.first_party_domain {
            map.insert("firstPartyDomain".into(), fpd.clone().into());
        }
        details
    }
}

/// The same cookie in the browser's sense: name, domain, path, store and partition.
pub fn same_identity(reference: &CookieRef, cookie: &RawCookie) -> bool {
    reference.name == cookie.name
        && reference.domain == cookie.domain
        && reference.path == cookie.path
        && reference.store_id == cookie.store_id
        && reference.partition_key.as_ref().filter(|v| !v.is_null()) == cookie.partition_key.as_ref()
}

/// The deletion rule: every reference must name a cookie of `listing` (the last listing of the
/// tab's page); otherwise nothing is deleted and the error says which reference failed.
pub fn resolve<'a>(listing: &'a [RawCookie], refs: &[CookieRef]) -> Result<Vec<&'a RawCookie>, String> {
    let mut found: Vec<&RawCookie> = Vec::with_capacity(refs.len());
    for reference in refs {
        match listing.iter().find(|c| same_identity(reference, c)) {
            Some(cookie) => {
                if !found.iter().any(|f| std::ptr::eq(*f, cookie)) {
                    found.push(cookie);
                }
            }
            None => {
                return Err(format!(
                    "Nothing was deleted: {} (domain {}, path {}) is not one of this page's HubSpot cookies as last listed.",
                    cap(&reference.name, 100),
                    cap(&reference.domain, 255),
                    cap(&reference.path, 255)
                ))
            }
        }
    }
    Ok(found)
}

/// The view's rows: each chat cookie (an absent one as `present: false`), then related cookies.
pub fn rows(cookies: &[RawCookie]) -> Vec<CookieRow> {
    let mut rows = Vec::with_capacity(cookies.len() + CHAT_COOKIES.len());
    for name in CHAT_COOKIES {
        let before = rows.len();
        rows.extend(cookies.iter().filter(|c| c.name == name).map(RawCookie::row));
        if rows.len() == before {
            rows.push(absent_row(name));
        }
    }
    rows.extend(cookies.iter().filter(|c| !is_chat_cookie(&c.name)).map(RawCookie::row));
    rows
}

pub fn absent_row(name: &str) -> CookieRow {
    CookieRow {
        name: name.into(),
        present: false,
        chat: true,
        value: String::new(),
        domain: String::new(),
        host_only: false,
        path: String::new(),
        expires: None,
        same_site: String::new(),
        secure: false,
        http_only: false,
        store_id: String::new(),
        partition_key: None,
    }
}

/// The three chat cookies listed as absent (before any listing).
pub fn absent_rows() -> Vec<CookieRow> {
    CHAT_COOKIES.iter().map(|name| absent_row(name)).collect()
}

/// What "Reset chat cookies" deletes: every present chat cookie the page sees.
pub fn chat_cookie_refs(rows: &[CookieRow]) -> Vec<CookieRef> {
    rows.iter().filter(|r| r.present && is_chat_cookie(&r.name)).map(CookieRow::reference).collect()
}

/// Expiry relative to `now` (both seconds since the Unix epoch): `session`, `expired`,
/// `in 45 s`, `in 29 min`, `in 5 h`, `in 179 days` (rounded down).
pub fn format_expiry(expires: Option<f64>, now: f64) -> String {
    let Some(expires) = expires else { return "session".into() };
    let left = expires - now;
    if !left.is_finite() || left <= 0.0 {
        return "expired".into();
    }
    let (count, unit) = match left {
        l if l < 60.0 => (l.floor().max(1.0), "s"),
        l if l < 3600.0 => ((l / 60.0).floor(), "min"),
        l if l < 2.0 * 86400.0 => ((l / 3600.0).floor(), "h"),
        l => ((l / 86400.0).floor(), "days"),
    };
    format!("in {} {unit}", count as u64)
}

/// `text` cut to at most `max` bytes on a character boundary, with an ellipsis when cut.
pub fn cap(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn cookie(name: &str, domain: &str, path: &str) -> RawCookie {
        RawCookie {
            name: name.into(),
            value: format!("{name}@{domain}{path}"),
            domain: domain.into(),
            host_only: !domain.starts_with('.'),
            path: path.into(),
            secure: false,
            http_only: false,
            same_site: "lax".into(),
            session: false,
            expiration_date: Some(2_000_000_000.0),
            store_id: "0".into(),
            partition_key: None,
            first_party_domain: None,
        }
    }

    fn shop() -> PageOrigin {
        PageOrigin::parse("https://shop.example.test:8443/cart?x=1#y").unwrap()
    }

    #[test]
    fn page_origin_takes_scheme_and_host_of_http_pages_only() {
        assert_eq!(shop(), PageOrigin { scheme: "https".into(), host: "shop.example.test".into() });
        assert_eq!(PageOrigin::parse("http://user:pw@WWW.Example.TEST./").unwrap().host, "www.example.test");
        assert_eq!(PageOrigin::parse("http://[::1]:80/").unwrap().host, "[::1]");
        assert_eq!(PageOrigin::parse("http://127.0.0.1:9/").unwrap().host, "127.0.0.1");
        assert!(PageOrigin::parse("chrome://extensions/").is_none());
        assert!(PageOrigin::parse("file:///tmp/x.html").is_none());
        assert!(PageOrigin::parse("").is_none());
    }

    #[test]
    fn cookie_domains_cover_every_domain_the_page_sees() {
        let page = |url: &str| PageOrigin::parse(url).unwrap().cookie_domains();
        assert_eq!(page("https://a.shop.example.test/x"), ["a.shop.example.test", "shop.example.test", "example.test"]);
        assert_eq!(page("http://127.0.0.1:8080/"), ["127.0.0.1"]);
        assert_eq!(page("http://[::1]:8080/"), ["[::1]"]);
        assert_eq!(page("http://localhost/"), ["localhost"]);
        let host = "a.shop.example.test";
        for domain in [".a.shop.example.test", "shop.example.test", ".example.test", ".other.test"] {
            let listed = page(&format!("https://{host}/")).contains(&domain.trim_start_matches('.').to_string());
            assert_eq!(domain_matches(domain, false, host), listed, "{domain}");
        }
    }

    #[test]
    fn domain_match_follows_rfc_6265() {
        // Domain cookies: the domain itself and its subdomains.
        assert!(domain_matches(".example.test", false, "shop.example.test"));
        assert!(domain_matches(".example.test", false, "example.test"));
        assert!(domain_matches(".shop.example.test", false, "shop.example.test"));
        assert!(domain_matches("example.test", false, "a.b.example.test"));
        assert!(domain_matches(".EXAMPLE.test", false, "Shop.Example.Test"));
        assert!(!domain_matches(".shop.example.test", false, "example.test"));
        assert!(!domain_matches(".example.test", false, "badexample.test"));
        assert!(!domain_matches(".example.test", false, "other.test"));
        assert!(!domain_matches(".", false, "example.test"));
        // Host-only cookies: the host exactly.
        assert!(domain_matches("shop.example.test", true, "shop.example.test"));
        assert!(!domain_matches("example.test", true, "shop.example.test"));
        assert!(!domain_matches("shop.example.test", true, "a.shop.example.test"));
        // IP addresses never match as a suffix.
        assert!(!domain_matches("0.0.1", false, "127.0.0.1"));
        assert!(domain_matches("127.0.0.1", true, "127.0.0.1"));
    }

    #[test]
    fn the_page_sees_its_own_and_parent_cookies_on_any_path_never_another_sites() {
        let raw = vec![
            cookie("messagesUtk", ".shop.example.test", "/"),
            cookie("messagesUtk", ".example.test", "/"),
            cookie("messagesUtk", "shop.example.test", "/"),
            cookie("messagesUtk", "shop.example.test", "/account"),
            cookie("messagesUtk", "other.test", "/"),
            cookie("messagesUtk", ".other.test", "/"),
            cookie("messagesUtk", "a.shop.example.test", "/"),
            cookie("messagesUtk", "example.test", "/"), // host-only on the parent: not sent here
            cookie("sessionid", "shop.example.test", "/"), // not a HubSpot cookie
            cookie("__hstc", ".example.test", "/"),
            cookie("hs-messages-widget-position_right", ".shop.example.test", "/"),
        ];
        let seen = page_cookies(&shop(), Some("0"), raw);
        let ids: Vec<(String, String, String)> =
            seen.iter().map(|c| (c.name.clone(), c.domain.clone(), c.path.clone())).collect();
        let id = |n: &str, d: &str, p: &str| (n.to_string(), d.to_string(), p.to_string());
        assert_eq!(
            ids,
            vec![
                id("messagesUtk", "shop.example.test", "/account"),
                id("messagesUtk", "shop.example.test", "/"),
                id("messagesUtk", ".shop.example.test", "/"),
                id("messagesUtk", ".example.test", "/"),
                id("__hstc", ".example.test", "/"),
                id("hs-messages-widget-position_right", ".shop.example.test", "/"),
            ]
        );
    }

    #[test]
    fn only_the_tabs_store_and_the_pages_own_partition_count() {
        let mut container = cookie("messagesUtk", ".example.test", "/");
        container.store_id = "firefox-container-1".into();
        let mut own_partition = cookie("hs-messages-is-open", ".example.test", "/");
        own_partition.partition_key =
            Some(json!({"topLevelSite": "https://example.test", "hasCrossSiteAncestor": false}));
        let mut foreign_partition = cookie("hs-messages-is-open", ".example.test", "/x");
        foreign_partition.partition_key = Some(json!({"topLevelSite": "https://other.test"}));
        let mut cross_site = cookie("hs-messages-is-open", ".example.test", "/y");
        cross_site.partition_key = Some(json!({"topLevelSite": "https://example.test", "hasCrossSiteAncestor": true}));
        let mut http_partition = cookie("hs-messages-is-open", ".example.test", "/z");
        http_partition.partition_key = Some(json!({"topLevelSite": "http://example.test"}));
        let raw = vec![container.clone(), own_partition.clone(), foreign_partition, cross_site, http_partition];
        let seen = page_cookies(&shop(), Some("0"), raw);
        assert_eq!(seen, vec![own_partition]);
        // Unknown store (older answer): every store is taken.
        assert_eq!(page_cookies(&shop(), None, vec![container.clone()]), vec![container]);
    }

    #[test]
    fn listings_are_bounded_and_keep_chat_cookies_first() {
        let mut raw: Vec<RawCookie> =
            (0..MAX_COOKIES + 50).map(|i| cookie("__hstc", ".example.test", &format!("/p{i}"))).collect();
        raw.push(cookie("messagesUtk", ".example.test", "/"));
        let seen = page_cookies(&shop(), Some("0"), raw);
        assert_eq!(seen.len(), MAX_COOKIES);
        assert_eq!(seen[0].name, "messagesUtk");
        let huge: Vec<Value> = (0..MAX_RAW_COOKIES + 10)
            .map(|i| serde_json::to_value(cookie("__hssc", ".example.test", &format!("/{i}"))).unwrap())
            .collect();
        assert_eq!(parse_raw_cookies(Value::Array(huge)).len(), MAX_RAW_COOKIES);
    }

    #[test]
    fn raw_cookies_decode_from_the_cookies_api_shape() {
        let text = r#"[{"domain":".shop.example.test","expirationDate":1779999999.5,"hostOnly":false,"httpOnly":false,
            "name":"messagesUtk","path":"/","sameSite":"lax","secure":true,"session":false,"storeId":"0",
            "value":"0123456789abcdef0123456789abcdef"},
            {"domain":"shop.example.test","hostOnly":true,"name":"hs-messages-is-open","path":"/","session":true,
             "storeId":"0","value":"true","partitionKey":null},
            {"name": 5}, "junk"]"#;
        let cookies = parse_raw_cookies(serde_json::from_str(text).unwrap());
        assert_eq!(cookies.len(), 2);
        let row = cookies[0].row();
        assert!(row.present && row.chat && row.secure);
        assert_eq!(row.expires, Some(1_779_999_999.5));
        assert_eq!(row.same_site, "lax");
        assert_eq!(row.size(), "messagesUtk".len() + 32);
        assert_eq!(cookies[1].row().expires, None);
        assert_eq!(cookies[1].partition_key, None);
    }

    #[test]
    fn rows_list_every_chat_cookie_present_or_not_then_related() {
        let cookies = vec![
            cookie("messagesUtk", ".shop.example.test", "/"),
            cookie("messagesUtk", ".example.test", "/"),
            cookie("hubspotutk", ".example.test", "/"),
        ];
        let rows = rows(&cookies);
        let view: Vec<(&str, bool, bool)> = rows.iter().map(|r| (r.name.as_str(), r.present, r.chat)).collect();
        assert_eq!(
            view,
            vec![
                ("messagesUtk", true, true),
                ("messagesUtk", true, true),
                ("hs-messages-is-open", false, true),
                ("hs-messages-hide-welcome-message", false, true),
                ("hubspotutk", true, false),
            ]
        );
        assert_eq!(super::rows(&[]).len(), 3);
        assert!(super::rows(&[]).iter().all(|r| !r.present));
    }

    #[test]
    fn values_are_capped_for_display_only() {
        let mut big = cookie("hubspotutk", ".example.test", "/");
        big.value = "é".repeat(MAX_VALUE_BYTES);
        let row = big.row();
        assert!(row.value.len() <= MAX_VALUE_BYTES + '…'.len_utf8());
        assert!(row.value.ends_with('…'));
        assert!(resolve(std::slice::from_ref(&big), &[row.reference()]).is_ok(), "identity ignores the value");
    }

    #[test]
    fn a_deletion_must_name_a_cookie_of_the_last_listing() {
        let listing = vec![
            cookie("messagesUtk", ".shop.example.test", "/"),
            cookie("messagesUtk", ".example.test", "/"),
            cookie("messagesUtk", "shop.example.test", "/account"),
        ];
        let ok = resolve(&listing, &[listing[1].reference(), listing[1].reference()]).unwrap();
        assert_eq!(ok.len(), 1, "the same cookie twice is deleted once");
        assert_eq!(ok[0].domain, ".example.test");

        // Another site's cookie of the same name, a changed path, store or partition: refused.
        let forged = [
            CookieRef { domain: ".other.test".into(), ..listing[0].reference() },
            CookieRef { path: "/".into(), ..listing[2].reference() },
            CookieRef { store_id: "1".into(), ..listing[0].reference() },
            CookieRef {
                partition_key: Some(json!({"topLevelSite": "https://example.test"})),
                ..listing[0].reference()
            },
            CookieRef { name: "sessionid".into(), ..listing[0].reference() },
        ];
        for reference in forged {
            let error = resolve(&listing, &[listing[0].reference(), reference]).unwrap_err();
            assert!(error.starts_with("Nothing was deleted"), "{error}");
        }
        // A null partition key from the panel is the same as none.
        let null_key = CookieRef { partition_key: Some(Value::Null), ..listing[0].reference() };
        assert!(resolve(&listing, &[null_key]).is_ok());
    }

    #[test]
    fn removal_details_target_exactly_the_cookie() {
        let mut domain = cookie("messagesUtk", ".shop.example.test", "/");
        domain.secure = true;
        assert_eq!(
            domain.removal_details(),
            json!({"url": "https://shop.example.test/", "name": "messagesUtk", "value": "", "domain": ".shop.example.test",
                   "path": "/", "secure": true, "httpOnly": false, "sameSite": "lax", "storeId": "0", "expirationDate": 1})
        );
        let host_only = cookie("messagesUtk", "shop.example.test", "/account");
        let details = host_only.removal_details();
        assert_eq!(details["url"], "http://shop.example.test/account");
        assert!(details.get("domain").is_none(), "host-only: no domain, or it would become a domain cookie");
        let mut partitioned = cookie("messagesUtk", "shop.example.test", "/a b");
        partitioned.partition_key = Some(json!({"topLevelSite": "https://example.test"}));
        partitioned.same_site = String::new();
        let details = partitioned.removal_details();
        assert_eq!(details["url"], "http://shop.example.test/");
        assert_eq!(details["path"], "/a b");
        assert_eq!(details["partitionKey"], json!({"topLevelSite": "https://example.test"}));
        assert!(details.get("sameSite").is_none());
    }

    #[test]
    fn reset_deletes_every_present_chat_cookie() {
        let cookies = vec![
            cookie("messagesUtk", ".shop.example.test", "/"),
            cookie("messagesUtk", ".example.test", "/"),
            cookie("hs-messages-hide-welcome-message", "shop.example.test", "/account"),
            cookie("hubspotutk", ".example.test", "/"),
        ];
        let refs = chat_cookie_refs(&rows(&cookies));
        assert_eq!(refs.len(), 3);
        assert!(refs.iter().all(|r| is_chat_cookie(&r.name)));
        assert!(chat_cookie_refs(&absent_rows()).is_empty());
    }

    #[test]
    fn expiry_is_shown_relative_to_now() {
        let now = 1_700_000_000.0;
        assert_eq!(format_expiry(None, now), "session");
        assert_eq!(format_expiry(Some(now - 1.0), now), "expired");
        assert_eq!(format_expiry(Some(now), now), "expired");
        assert_eq!(format_expiry(Some(now + 0.4), now), "in 1 s");
        assert_eq!(format_expiry(Some(now + 45.0), now), "in 45 s");
        assert_eq!(format_expiry(Some(now + 30.0 * 60.0 - 5.0), now), "in 29 min");
        assert_eq!(format_expiry(Some(now + 5.5 * 3600.0), now), "in 5 h");
        assert_eq!(format_expiry(Some(now + 36.0 * 3600.0), now), "in 36 h");
        assert_eq!(format_expiry(Some(now + 2.5 * 86400.0), now), "in 2 days");
        assert_eq!(format_expiry(Some(now + 180.0 * 86400.0 - 3.0), now), "in 179 days");
        assert_eq!(format_expiry(Some(f64::NAN), now), "expired");
    }
}
