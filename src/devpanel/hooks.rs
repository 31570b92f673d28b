//! Small hooks: the panel store (state + reducer + connection), its actions for components, and
//! remembered settings.

use super::bridge::Connection;
use crate::core::cookies::PageOrigin;
use crate::core::export::{export, file_name, ExportFormat};
use crate::core::panel_state::{Action, ConnectionState, PanelState, View};
use crate::core::protocol::{decode_panel_update, ListenEvent, PanelRequest};
use gloo::timers::callback::Interval;
use std::cell::{Ref, RefCell};
use std::rc::Rc;
use yew::prelude::*;

const PRESERVE_LOG_KEY: &str = "chat-widget-inspector.preserveLog";
const VIEW_KEY: &str = "chat-widget-inspector.view";
/// Followed by the site (`PanelState::site`): "true" while the user opted in to listening to
/// widgetHidden with on() on that site; absent (the default) otherwise.
const LISTEN_WIDGET_HIDDEN_KEY: &str = "chat-widget-inspector.listen.widgetHidden.";

/// What components may do: change the panel's state and ask the background. Provided through a
/// `ContextProvider`; the data they show comes in their props.
#[derive(Clone)]
pub struct PanelActions {
    state: Rc<RefCell<PanelState>>,
    connection: Rc<RefCell<Option<Connection>>>,
    rerender: UseForceUpdateHandle,
}

impl PartialEq for PanelActions {
    /// One store per panel: its actions never change, so context consumers need not re-render.
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.state, &other.state)
    }
}

impl PanelActions {
    pub fn dispatch(&self, action: Action) {
        let current = std::mem::take(&mut *self.state.borrow_mut());
        *self.state.borrow_mut() = current.reduce(action);
        self.rerender.force_update();
    }

    /// The log shown (its rows, the filter applied), as a file: (file name, MIME type, text).
    pub fn export_log(&self, format: ExportFormat) -> (String, &'static str, String) {
        let state = self.state.borrow();
        let now = js_sys::Date::now();
        let text = export(state.visible().iter().map(|e| e.as_ref()), now, state.shown_url(), format);
        (file_name(now, format), format.mime(), text)
    }

    pub fn request(&self, request: PanelRequest) {
        if let Some(connection) = self.connection.borrow().as_ref() {
            connection.request(&request);
        }
    }

    pub fn set_preserve_log(&self, on: bool) {
        if let Some(storage) = local_storage() {
            let _ = storage.set_item(PRESERVE_LOG_KEY, if on { "true" } else { "false" });
        }
        self.dispatch(Action::SetPreserveLog(on));
    }

    /// The user's choice to listen to widgetHidden with on() on `site`, remembered for that site
    /// only (the panel's localStorage, like its other choices: the devtools panel and the panel
    /// tab share it). Turned on, the hook of the current document is asked at once
    /// (`use_listen_choice`).
    pub fn set_listen_widget_hidden(&self, site: &str, on: bool) {
        if let Some(storage) = local_storage() {
            let key = format!("{LISTEN_WIDGET_HIDDEN_KEY}{site}");
            let _ = if on { storage.set_item(&key, "true") } else { storage.remove_item(&key) };
        }
        self.dispatch(Action::SetListenChoice { site: site.to_string(), on });
    }
}

/// The panel's state behind a cheap handle. The state sits in a `RefCell` rather than in
/// `use_reducer` so that appending to a large log does not clone it on every message.
pub struct PanelStore {
    actions: PanelActions,
}

impl PanelStore {
    pub fn state(&self) -> Ref<'_, PanelState> {
        self.actions.state.borrow()
    }

    pub fn actions(&self) -> PanelActions {
        self.actions.clone()
    }
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn remembered(key: &str) -> Option<String> {
    local_storage()?.get_item(key).ok().flatten()
}

/// The store, connected to the background for `tab_id`. On every (re)connection the panel
/// subscribes again, and the background replays the tab's log.
#[hook]
pub fn use_panel_store(tab_id: Option<i32>) -> PanelStore {
    let state = use_mut_ref(|| {
        let view = remembered(VIEW_KEY).and_then(|name| View::from_label(&name)).unwrap_or_default();
        PanelState::new(remembered(PRESERVE_LOG_KEY).as_deref() == Some("true")).reduce(Action::SelectView(view))
    });
    let connection = use_mut_ref(|| None::<Connection>);
    let rerender = use_force_update();
    let actions = PanelActions { state, connection, rerender };
    {
        let actions = actions.clone();
        use_effect_with(tab_id, move |tab_id| {
            let Some(tab) = *tab_id else { return };
            let on_message = {
                let actions = actions.clone();
                move |text: String| {
                    if let Ok(update) = decode_panel_update(&text) {
                        actions.dispatch(Action::Update(update));
                    }
                }
            };
            let on_connection = {
                let actions = actions.clone();
                move |up: bool| {
                    if up {
                        actions.request(PanelRequest::Subscribe { tab: tab.into() });
                        actions.dispatch(Action::Connected);
                    } else {
                        actions.dispatch(Action::Disconnected);
                    }
                }
            };
            *actions.connection.borrow_mut() = Some(Connection::new(on_message, on_connection));
            if let Some(connection) = actions.connection.borrow().as_ref() {
                connection.open();
            }
        });
    }
    PanelStore { actions }
}

/// The actions of the store provided by the panel's `ContextProvider`.
#[hook]
pub fn use_panel_actions() -> PanelActions {
    use_context::<PanelActions>().expect("components render inside the panel's ContextProvider<PanelActions>")
}

/// What the Diagnostics view needs from outside the reducer: the view remembered, the clock
/// ticking while a grace period may still run out, and the page's cookies listed when a rule could
/// use them.
#[hook]
pub fn use_diagnosis_inputs(store: &PanelStore) {
    let (view, needs_clock, wants_cookies, has_cookies, connected, origin) = {
        let state = store.state();
        let origin = PageOrigin::parse(&state.status.url).map(|o| format!("{}://{}", o.scheme, o.host));
        (
            state.view,
            state.needs_clock(),
            state.wants_cookies(),
            state.cookies.is_some(),
            state.connection == ConnectionState::Connected,
            origin,
        )
    };
    use_effect_with(view, |view| {
        if let Some(storage) = local_storage() {
            let _ = storage.set_item(VIEW_KEY, view.label());
        }
    });
    {
        // Once a second, only while the current document has an entry younger than 10 s: every
        // grace period of the rules is shorter, so afterwards time alone changes no finding.
        let actions = store.actions();
        use_effect_with(needs_clock, move |on| {
            let interval = on.then(|| {
                actions.dispatch(Action::Tick(js_sys::Date::now()));
                Interval::new(1000, move || actions.dispatch(Action::Tick(js_sys::Date::now())))
            });
            move || drop(interval)
        });
    }
    {
        // The Cookies view lists them itself; here only when wanted and not listed for this origin.
        let actions = store.actions();
        let listed_for = use_mut_ref(|| None::<String>);
        use_effect_with((wants_cookies && connected, origin), move |(wanted, origin)| {
            let stale = !has_cookies || listed_for.borrow().as_ref() != origin.as_ref();
            if *wanted && origin.is_some() && stale {
                *listed_for.borrow_mut() = origin.clone();
                actions.request(PanelRequest::Cookies);
            }
        });
    }
}

/// The per-site opt-in to widgetHidden: reads the choice remembered for the site shown whenever
/// the site changes, and asks the hook to listen once per document of an opted-in site while the
/// panel is connected (`PanelState::listen_due`). Nothing is ever asked without the opt-in.
#[hook]
pub fn use_listen_choice(store: &PanelStore) {
    let (site, due) = {
        let state = store.state();
        (state.site(), state.listen_due())
    };
    {
        let actions = store.actions();
        use_effect_with(site, move |site| {
            if let Some(site) = site {
                let on = remembered(&format!("{LISTEN_WIDGET_HIDDEN_KEY}{site}")).as_deref() == Some("true");
                actions.dispatch(Action::SetListenChoice { site: site.clone(), on });
            }
        });
    }
    let actions = store.actions();
    use_effect_with(due, move |due| {
        if let Some(doc) = due {
            actions.request(PanelRequest::Listen { event: ListenEvent::WidgetHidden });
            actions.dispatch(Action::ListenAsked(doc.clone()));
        }
    });
}
