//! What was detected, and the admin's say over it: the encoding and separator
//! of a text file, the sheet of a workbook, and what each column holds (a
//! field, a metadata key, or nothing), with a value for empty cells.
use super::file_check::Checker;
use crate::import::{ColumnMapping, FileKind, ReadOptions, Target, TextEncoding, DELIMITERS};
use leptos::prelude::*;

/// Choices offered for a column, as `<option>` values.
const TARGETS: [(&str, &str); 9] = [
    ("email", "Email"),
    ("name", "Name"),
    ("first", "First name"),
    ("last", "Last name"),
    ("role", "Role"),
    ("groups", "Groups"),
    ("metadata", "Metadata (a JSON object)"),
    ("key", "Metadata, under its header"),
    ("ignore", "Ignore this column"),
];

fn target_value(target: &Target) -> &'static str {
    match target {
        Target::Email => "email",
        Target::Name => "name",
        Target::FirstName => "first",
        Target::LastName => "last",
        Target::Role => "role",
        Target::Groups => "groups",
        Target::Metadata => "metadata",
        Target::MetadataKey(_) => "key",
        Target::Ignore => "ignore",
    }
}

fn target_from(value: &str, header: &str) -> Target {
    match value {
        "email" => Target::Email,
        "name" => Target::Name,
        "first" => Target::FirstName,
        "last" => Target::LastName,
        "role" => Target::Role,
        "groups" => Target::Groups,
        "metadata" => Target::Metadata,
        "ignore" => Target::Ignore,
        _ => Target::MetadataKey(header.trim().to_owned()),
    }
}

#[component]
pub fn FileSettings(checker: Checker) -> impl IntoView {
    let prepared = Memo::new(move |_| {
        checker.checked.with(|c| match c {
            Some(Ok(file)) => Some((
                file.prepared.kind,
                file.prepared.encoding,
                file.prepared.delimiter,
                file.prepared.sheet_names.clone(),
                file.prepared.sheet,
            )),
            _ => None,
        })
    });
    let mapping = Memo::new(move |_| {
        checker.checked.with(|c| match c {
            Some(Ok(file)) => file.prepared.mapping.clone(),
            _ => Vec::new(),
        })
    });
    // The controls are drawn again only when the file is read again, never
    // on a change they made themselves (that would take the focus away).
    let layout = Memo::new(move |_| {
        prepared.with(|p| {
            p.as_ref()
                .map(|(kind, _, _, sheets, _)| (*kind, sheets.clone()))
        })
    });
    let headers = Memo::new(move |_| {
        mapping.with(|m| m.iter().map(|c| c.header.clone()).collect::<Vec<_>>())
    });
    // The options in force, changed one at a time by the selects.
    let options = move || {
        prepared.with_untracked(|p| match p {
            Some((_, encoding, delimiter, _, sheet)) => ReadOptions {
                encoding: *encoding,
                delimiter: *delimiter,
                sheet: Some(*sheet),
                // Found again under another reading; set by its picker only.
                header_row: None,
            },
            None => ReadOptions::default(),
        })
    };
    let reread = move |change: Box<dyn FnOnce(&mut ReadOptions)>| {
        let mut next = options();
        change(&mut next);
        leptos::task::spawn_local(checker.reread(next));
    };
    let remap = move |column: usize, change: Box<dyn FnOnce(&mut ColumnMapping)>| {
        let mut next = mapping.get_untracked();
        if let Some(m) = next.get_mut(column) {
            change(m);
        }
        leptos::task::spawn_local(checker.remap(next));
    };

    let reading = move || {
        let (encoding, delimiter, sheet) = prepared.with_untracked(|p| match p {
            Some((_, encoding, delimiter, _, sheet)) => (*encoding, *delimiter, *sheet),
            None => (None, None, 0),
        });
        layout.get().map(|(kind, sheets)| match kind {
            FileKind::Delimited => view! {
                <div class="inline-fields">
                    <div class="field">
                        <label for="file-encoding">"Encoding"</label>
                        <select id="file-encoding" on:change=move |ev| {
                            let chosen = TextEncoding::ALL.into_iter().find(|e| e.label() == event_target_value(&ev));
                            reread(Box::new(move |o| o.encoding = chosen));
                        }>
                            {TextEncoding::ALL.into_iter().map(|e| view! {
                                <option value=e.label() selected=encoding == Some(e)>{e.label()}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="file-separator">"Separator"</label>
                        <select id="file-separator" on:change=move |ev| {
                            let chosen = DELIMITERS.iter().find(|(_, name)| *name == event_target_value(&ev)).map(|(d, _)| *d);
                            reread(Box::new(move |o| o.delimiter = chosen));
                        }>
                            {DELIMITERS.iter().map(|(d, name)| view! {
                                <option value=*name selected=delimiter == Some(*d)>{capitalised(name)}</option>
                            }).collect_view()}
                        </select>
                    </div>
                </div>
            }.into_any(),
            _ if sheets.len() > 1 => view! {
                <div class="field">
                    <label for="file-sheet">"Sheet"</label>
                    <select id="file-sheet" on:change=move |ev| {
                        let chosen = event_target_value(&ev).parse::<usize>().ok();
                        reread(Box::new(move |o| o.sheet = chosen));
                    }>
                        {sheets.into_iter().enumerate().map(|(i, name)| view! {
                            <option value=i.to_string() selected=i == sheet>{name}</option>
                        }).collect_view()}
                    </select>
                </div>
            }.into_any(),
            _ => ().into_any(),
        })
    };

    let columns = move || {
        headers.track();
        mapping
            .get_untracked()
            .into_iter()
            .map(|m| {
                let column = m.column;
                let select_id = format!("column-{column}");
                let default_id = format!("column-{column}-default");
                let current = target_value(&m.target);
                // Read from the mapping, so that a file read again under
                // another header row names its columns anew.
                let header = move || {
                    mapping.with(|m| m.get(column).map(|c| c.header.clone()).unwrap_or_default())
                };
                view! {
                    <tr>
                        <th scope="row">{header}</th>
                        <td>
                            <label class="visually-hidden" for=select_id.clone()>{move || format!("Use column “{}” as", header())}</label>
                            // Follows the mapping (a Reset, saved choices) without being drawn again.
                            <select id=select_id
                                prop:value=move || mapping.with(|m| m.get(column).map_or("ignore", |c| target_value(&c.target)))
                                on:change=move |ev| {
                                let target = target_from(&event_target_value(&ev), &mapping.with_untracked(|m| m.get(column).map(|c| c.header.clone()).unwrap_or_default()));
                                remap(column, Box::new(move |m| m.target = target));
                            }>
                                {TARGETS.iter().map(|(value, label)| view! {
                                    <option value=*value selected=*value == current>{*label}</option>
                                }).collect_view()}
                            </select>
                        </td>
                        <td>
                            <label class="visually-hidden" for=default_id.clone()>{move || format!("Value for empty “{}” cells", header())}</label>
                            <input id=default_id type="text" placeholder="(none)" prop:value=move || mapping.with(|m| m.get(column).and_then(|c| c.default.clone()).unwrap_or_default())
                                on:change=move |ev| {
                                    let value = event_target_value(&ev);
                                    let value = (!value.trim().is_empty()).then_some(value);
                                    remap(column, Box::new(move |m| m.default = value));
                                }/>
                        </td>
                    </tr>
                }
            })
            .collect_view()
    };

    // The opening rows to pick the header from; drawn again with another
    // sheet or reading, while the choice itself only moves the value.
    let openings = Memo::new(move |_| {
        checker.checked.with(|c| match c {
            Some(Ok(file)) => file.prepared.opening_rows.clone(),
            _ => Vec::new(),
        })
    });
    let header_row = Memo::new(move |_| {
        checker.checked.with(|c| match c {
            Some(Ok(file)) => file.prepared.table.header_row,
            _ => 0,
        })
    });
    let header_picker = move || {
        let rows = openings.get();
        let raw_rows = rows.clone();
        view! {
            <div class="field">
                <label for="file-header-row">"Header row"</label>
                <select id="file-header-row" prop:value=move || header_row.get().to_string()
                    on:change=move |ev| {
                        let chosen = event_target_value(&ev).parse::<usize>().ok();
                        reread(Box::new(move |o| o.header_row = chosen));
                    }>
                    <option value="0">"None: the first row is a person"</option>
                    {rows.into_iter().enumerate().map(|(i, line)| {
                        let number = i + 1;
                        let label = if line.is_empty() { format!("Row {number} (blank)") } else { format!("Row {number}: {line}") };
                        view! { <option value=number.to_string() selected=move || header_row.get() == number>{label}</option> }
                    }).collect_view()}
                </select>
            </div>
            // The same choice, made on the file's first rows as they are.
            <div class="table-wrap raw-rows">
                <table class="data-table">
                    <caption>"The file’s first rows: pick the one with the column names"</caption>
                    <tbody>
                        {raw_rows.into_iter().enumerate().map(|(i, line)| {
                            let number = i + 1;
                            let is_header = move || header_row.get() == number;
                            view! {
                                <tr class:header-row=is_header>
                                    <th scope="row">
                                        <button type="button" class="secondary small"
                                            aria-label=format!("Use row {number} as the header row")
                                            aria-pressed=move || is_header().to_string()
                                            on:click=move |_| reread(Box::new(move |o| o.header_row = Some(number)))>
                                            {format!("Row {number}")}
                                        </button>
                                    </th>
                                    <td>{if line.is_empty() { "(blank)".to_owned() } else { line }}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        }
    };

    let has_file = Memo::new(move |_| layout.with(Option::is_some));
    move || {
        has_file.get().then(|| view! {
        // Open: this is what the Columns step is for.
        <details class="file-settings" open>
            <summary>"How the file is read and what each column holds"</summary>
            {reading}
            {header_picker}
            {move || checker.reread_error.get().map(|e| view! { <p class="alert" role="alert">{e}</p> })}
            <table class="data-table mapping">
                <caption>"Columns"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Column in the file"</th>
                        <th scope="col">"Used as"</th>
                        <th scope="col">"Value for empty cells"</th>
                    </tr>
                </thead>
                <tbody>{columns}</tbody>
            </table>
        </details>
    }
    .into_any())
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
