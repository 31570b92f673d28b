//! Small hooks: the panel store (state + reducer + background connection) and remembered settings.

use super::bridge::Connection;
use crate::core::panel_state::{Action, PanelState};
use crate::core::protocol::{decode_panel_update, PanelRequest};
use std::cell::{Ref, RefCell};
use std::rc::Rc;
use yew::prelude::*;

const PRESERVE_LOG_KEY: &str = "chat-widget-inspector.preserveLog";
const VIEW_KEY: &str = "chat-widget-inspector.view";

/// The panel's state behind a cheap handle. The state sits in a `RefCell` rather than in
/// `use_reducer` so that appending to a large log does not clone it on every message.
#[derive(Clone)]
pub struct PanelStore {
    state: Rc<RefCell<PanelState>>,
    connection: Rc<RefCell<Option<Connection>>>,
    rerender: UseForceUpdateHandle,
}

impl PartialEq for PanelStore {
    /// The store changes in place, so children always re-render with their parent.
    fn eq(&self, _: &Self) -> bool {
        false
    }
}

impl PanelStore {
    pub fn state(&self) -> Ref<'_, PanelState> {
        self.state.borrow()
    }

    pub fn dispatch(&self, action: Action) {
        dispatch(&self.state, &self.rerender, action);
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
}

fn dispatch(state: &Rc<RefCell<PanelState>>, rerender: &UseForceUpdateHandle, action: Action) {
    let current = std::mem::take(&mut *state.borrow_mut());
    *state.borrow_mut() = current.reduce(action);
    rerender.force_update();
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn remembered_preserve_log() -> bool {
    local_storage().and_then(|s| s.get_item(PRESERVE_LOG_KEY).ok().flatten()).as_deref() == Some("true")
}

#[hook]
pub fn use_panel_store(tab_id: Option<i32>) -> PanelStore {
    let state = use_mut_ref(|| PanelState::new(remembered_preserve_log()));
    let connection = use_mut_ref(|| None::<Connection>);
    let rerender = use_force_update();
    {
        let (state, connection, rerender) = (state.clone(), connection.clone(), rerender.clone());
        use_effect_with(tab_id, move |tab_id| {
            if let Some(tab_id) = *tab_id {
                let (on_message_state, on_message_rerender) = (state.clone(), rerender.clone());
                let on_message = move |text: String| {
                    if let Ok(update) = decode_panel_update(&text) {
                        dispatch(&on_message_state, &on_message_rerender, Action::Update(update));
                    }
                };
                let on_connection = move |up: bool| {
                    dispatch(&state, &rerender, if up { Action::Connected } else { Action::Disconnected });
                };
                *connection.borrow_mut() = Some(Connection::open(tab_id, on_message, on_connection));
            }
        });
    }
    PanelStore { state, connection, rerender }
}

/// The selected view (tab) of the panel, remembered across panel openings.
#[derive(Clone)]
pub struct RememberedTab {
    index: UseStateHandle<usize>,
    names: &'static [&'static str],
}

impl std::ops::Deref for RememberedTab {
    type Target = usize;
    fn deref(&self) -> &usize {
        &self.index
    }
}

impl RememberedTab {
    pub fn set(&self, index: usize) {
        if let (Some(storage), Some(name)) = (local_storage(), self.names.get(index)) {
            let _ = storage.set_item(VIEW_KEY, name);
        }
        self.index.set(index);
    }
}

#[hook]
pub fn use_remembered_tab(names: &'static [&'static str]) -> RememberedTab {
    let index = use_state(|| {
        let saved = local_storage().and_then(|s| s.get_item(VIEW_KEY).ok().flatten());
        saved.and_then(|name| names.iter().position(|n| *n == name)).unwrap_or(0)
    });
    RememberedTab { index, names }
}
