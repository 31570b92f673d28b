//! Small hooks: the panel store (state + reducer + connection), its actions for components, and
//! remembered settings.

use super::bridge::{self, Connection};
use crate::core::cookies::PageOrigin;
use crate::core::export::{export, file_name, ExportFormat};
use crate::core::keys::{ColumnWidths, SplitSize};
use crate::core::panel_state::{Action, ConnectionState, PanelState};
use crate::core::prefs::{Prefs, OLD_LISTEN_KEY_PREFIX, OLD_PRESERVE_LOG_KEY, OLD_VIEW_KEY, PREFS_KEY};
use crate::core::protocol::{decode_panel_update, ListenEvent, PanelRequest};
use gloo::timers::callback::Interval;
use std::cell::{Ref, RefCell};
use std::rc::Rc;
use yew::prelude::*;

/// What components may do: change the panel's state and ask the background. Components get it
/// from `panel_actions()` (one store per panel page); the data they show comes in their props.
#[derive(Clone)]
pub struct PanelActions {
    state: Rc<RefCell<PanelState>>,
    connection: Rc<RefCell<Option<Connection>>>,
    rerender: UseForceUpdateHandle,
    /// The remembered record as last read or written (the glue keeps the per-site opt-ins here).
    prefs: Rc<RefCell<Prefs>>,
}

impl PartialEq for PanelActions {
    /// One store per panel: its actions never change, so context consumers need not re-render.
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.state, &other.state)
    }
}

impl PanelActions {
    /// The state now (for handlers that run outside a render, such as the panel's shortcuts).
    pub fn state(&self) -> Ref<'_, PanelState> {
        self.state.borrow()
    }

    pub fn dispatch(&self, action: Action) {
        let current = std::mem::take(&mut *self.state.borrow_mut());
        let mut next = current.reduce(action);
        // The rules run in the background: ask it when their input changed (one request in flight).
        if let Some(request @ PanelRequest::Diagnose { seq, .. }) = next.diagnose_request() {
            if let Some(connection) = self.connection.borrow().as_ref() {
                connection.request(&request);
                next = next.reduce(Action::DiagnoseAsked(seq));
            }
        }
        *self.state.borrow_mut() = next;
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

    /// The log's share of the split (percent), remembered.
    pub fn set_split(&self, percent: f64) {
        self.prefs.borrow_mut().split = Some(percent);
        bridge::save_prefs(PREFS_KEY, &self.prefs.borrow().to_json());
    }

    /// The widths of the log's columns, remembered.
    pub fn set_columns(&self, widths: ColumnWidths) {
        self.prefs.borrow_mut().columns = Some(widths);
        bridge::save_prefs(PREFS_KEY, &self.prefs.borrow().to_json());
    }

    /// The widths remembered (the defaults when none).
    pub fn columns(&self) -> ColumnWidths {
        self.prefs.borrow().columns.unwrap_or_default()
    }

    pub fn set_preserve_log(&self, on: bool) {
        self.dispatch(Action::SetPreserveLog(on));
    }

    /// The user's choice to listen to widgetHidden with on() on `site`, remembered for that site
    /// only (in the panel's preferences, see `use_remembered_prefs`). Turned on, the hook of the
    /// current document is asked at once (`use_listen_choice`).
    pub fn set_listen_widget_hidden(&self, site: &str, on: bool) {
        self.prefs.borrow_mut().set_listen(site, on);
        bridge::save_prefs(PREFS_KEY, &self.prefs.borrow().to_json());
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

/// The record stored, or the panel's old localStorage values migrated once (then removed).
fn read_prefs(stored: Option<String>) -> Prefs {
    if let Some(text) = stored {
        return Prefs::from_json(&text);
    }
    let listen_keys = bridge::old_keys(OLD_LISTEN_KEY_PREFIX);
    match Prefs::migrated_from_local_storage(&listen_keys, bridge::old_value) {
        Some(prefs) => {
            bridge::save_prefs(PREFS_KEY, &prefs.to_json());
            let mut old = listen_keys;
            old.extend([OLD_PRESERVE_LOG_KEY.to_string(), OLD_VIEW_KEY.to_string()]);
            bridge::remove_old(old);
            prefs
        }
        None => Prefs::default(),
    }
}

/// The store, connected to the background for `tab_id`. On every (re)connection the panel
/// subscribes again, and the background replays the tab's log.
#[hook]
pub fn use_panel_store(tab_id: Option<i32>) -> PanelStore {
    let state = use_mut_ref(|| PanelState::new(false));
    let connection = use_mut_ref(|| None::<Connection>);
    let rerender = use_force_update();
    let prefs = use_mut_ref(Prefs::default);
    let actions = PanelActions { state, connection, rerender, prefs };
    ACTIONS.with(|stored| {
        stored.borrow_mut().get_or_insert_with(|| actions.clone());
    });
    {
        let actions = actions.clone();
        use_effect_with((), move |_| {
            bridge::load_prefs(PREFS_KEY, move |stored| {
                let prefs = read_prefs(stored);
                *actions.prefs.borrow_mut() = prefs.clone();
                actions.dispatch(Action::Restore(prefs));
            });
        });
    }
    {
        let actions = actions.clone();
        use_effect_with(tab_id, move |tab_id| {
            let Some(tab) = *tab_id else { return };
            let on_message = {
                let actions = actions.clone();
                move |text: String| {
                    if let Ok(update) = decode_panel_update(&text) {
                        actions.dispatch(Action::Update(update));
                        // A snapshot comes newest first, one chunk per message: ask for the next
                        // once this one is applied (so no message is long to handle).
                        let older = actions.state().older_wanted();
                        if let Some(before) = older {
                            actions.request(PanelRequest::Older { before });
                            actions.dispatch(Action::OlderAsked(before));
                        }
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

thread_local! {
    /// The actions of the panel's one store, set when `use_panel_store` first runs (before any
    /// component that reads it renders). Not a `ContextProvider`: its component and the context
    /// subscriptions cost the wasm more than this cell.
    static ACTIONS: RefCell<Option<PanelActions>> = const { RefCell::new(None) };
}

/// The actions of the panel's store, for components rendered under the `App`.
pub fn panel_actions() -> PanelActions {
    ACTIONS.with(|stored| stored.borrow().clone()).expect("components render under the App, after its store exists")
}

/// Writes the panel's preferences to `storage.local` whenever they change, once the remembered
/// ones were applied (never the defaults over them).
#[hook]
pub fn use_remembered_prefs(store: &PanelStore) {
    let current = {
        let state = store.state();
        state.restored.then(|| state.prefs())
    };
    let actions = store.actions();
    use_effect_with(current, move |current| {
        if let Some(current) = current {
            let mut prefs = actions.prefs.borrow_mut();
            let next = Prefs {
                listen_widget_hidden: prefs.listen_widget_hidden.clone(),
                split: prefs.split,
                columns: prefs.columns,
                ..current.clone()
            };
            if *prefs != next {
                bridge::save_prefs(PREFS_KEY, &next.to_json());
                *prefs = next;
            }
        }
    });
}

/// What the Diagnostics view needs from outside the reducer: the
/// ticking while a grace period may still run out, and the page's cookies listed when a rule could
/// use them.
#[hook]
pub fn use_diagnosis_inputs(store: &PanelStore) {
    let (needs_clock, wants_cookies, has_cookies, connected, origin) = {
        let state = store.state();
        let origin = PageOrigin::parse(&state.status.url).map(|o| format!("{}://{}", o.scheme, o.host));
        (
            state.needs_clock(),
            state.wants_cookies(),
            state.cookies.is_some(),
            state.connection == ConnectionState::Connected,
            origin,
        )
    };
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
    let (site, due, restored) = {
        let state = store.state();
        (state.site(), state.listen_due(), state.restored)
    };
    {
        let actions = store.actions();
        use_effect_with((site, restored), move |(site, restored)| {
            if let (Some(site), true) = (site, restored) {
                let on = actions.prefs.borrow().listens_on(site);
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

/// The split between the log and the detail pane: its size, and a callback that sets it
/// (`(size, remember)`: dragging moves it, the end of a drag or a key press also stores it with the
/// panel's other preferences).
#[hook]
pub fn use_split_size() -> (SplitSize, Callback<(SplitSize, bool)>) {
    let actions = panel_actions();
    let size = use_state(|| actions.prefs.borrow().split.map_or(SplitSize::DEFAULT, SplitSize::new));
    let set = {
        let size = size.clone();
        Callback::from(move |(next, remember): (SplitSize, bool)| {
            if remember {
                actions.set_split(next.percent());
            }
            size.set(next);
        })
    };
    (*size, set)
}
