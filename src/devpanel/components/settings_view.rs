//! Settings view: `window.hsConversationsSettings` as the page set it and as it is now,
//! checked against the loader's rules.

use super::class_names;
use super::format_since_navigation;
use crate::core::protocol::{self, PanelRequest, SettingsPhase};
use crate::core::settings::{unknown_keys, validate};
use crate::devpanel::hooks::panel_actions;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SettingsViewProps {
    /// As the page assigned it.
    pub as_set: Option<protocol::SettingsView>,
    /// As last read.
    pub now: Option<protocol::SettingsView>,
}

#[function_component(SettingsView)]
pub fn settings_view(props: &SettingsViewProps) -> Html {
    let actions = panel_actions();
    {
        let actions = actions.clone();
        use_effect_with((), move |_| actions.request(PanelRequest::ReadPage));
    }
    let on_reread = Callback::from(move |_| actions.request(PanelRequest::ReadPage));
    html! {
        <div class="pane settings-pane">
            <div class="pane-toolbar">
                <button type="button" onclick={on_reread}>{ "Read again" }</button>
            </div>
            <section class="card" aria-labelledby="settings-set">
                <h2 id="settings-set">{ "As the page set it" }</h2>
                { settings_html(props.as_set.as_ref(), true) }
            </section>
            <section class="card" aria-labelledby="settings-now">
                <h2 id="settings-now">{ "As it is now" }</h2>
                { settings_html(props.now.as_ref(), false) }
            </section>
        </div>
    }
}

fn settings_html(settings: Option<&protocol::SettingsView>, as_set: bool) -> Html {
    let Some(settings) = settings else {
        let text = if as_set {
            "The page has not assigned window.hsConversationsSettings: the loader uses its defaults."
        } else {
            "Not read yet: the hook reads it when the loader creates its object; Read again reads it now."
        };
        return html! { <p class="note">{ text }</p> };
    };
    let when = match settings.phase {
        SettingsPhase::BeforeLoader => html! { <span class="badge ok">{ "before the loader read it" }</span> },
        SettingsPhase::AfterLoader => html! {
            <span class="badge bad">{ "after the loader read it: too late, the loader already used its defaults" }</span>
        },
    };
    if !settings.present {
        return html! {
            <>
                <p>{ format!("{} — ", format_since_navigation(settings.t)) }{ when }</p>
                <p class="note">{ "window.hsConversationsSettings is not an object." }</p>
            </>
        };
    }
    let problems = validate(&settings.fields);
    let unknown = unknown_keys(&settings.fields);
    html! {
        <>
            if as_set {
                <p class="when">{ format!("set at {} — ", format_since_navigation(settings.t)) }{ when }</p>
            }
            if settings.fields.is_empty() {
                <p class="note">{ "An empty object: every setting takes the loader's default." }</p>
            } else {
                <table class="settings-table">
                    <thead><tr><th>{ "Setting" }</th><th>{ "Type" }</th><th>{ "Value" }</th></tr></thead>
                    <tbody>
                        { for settings.fields.iter().map(|(key, field)| {
                            let invalid = problems.iter().any(|p| &p.field == key);
                            let unknown_key = unknown.contains(key);
                            html! {
                                <tr data-setting={key.clone()} class={(invalid || unknown_key).then(|| class_names(&[invalid.then_some("invalid"), unknown_key.then_some("unknown")]))}>
                                    <td class="mono">{ key }</td>
                                    <td>{ &field.js_type }</td>
                                    <td class="mono">{ field.value.to_string() }</td>
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
            }
            if !problems.is_empty() {
                <ul class="problems" role="alert">
                    { for problems.iter().map(|p| html! {
                        <li data-problem={p.field.clone()}>
                            <code>{ &p.message }</code>
                            { if p.thrown_by_loader { " — the loader throws this and the widget does not start" } else { " — thrown once the problem above is fixed" } }
                        </li>
                    }) }
                </ul>
            }
            if !unknown.is_empty() {
                <p class="note">{ format!("Not read by the loader (a typo?): {}", unknown.join(", ")) }</p>
            }
        </>
    }
}
