//! Before "Upload users": where the file's people stand in the workspace
//! (checked on the server, in chunks), what to do with each kind of conflict,
//! what updating members from the file would change, and whether role and
//! groups come from the file or are the same for all.
use super::file_check::CheckedFile;
use super::import_preview::CheckedSignal;
use crate::api::groups::list_groups;
use crate::api::imports::{
    check_import, plan_member_updates, ConflictChoices, ImportRow, WorkspaceMatch,
};
use crate::domain::{GroupName, Role};
use crate::model::member_updates::{MemberChanges, UpdateFields};
use leptos::prelude::*;
use std::collections::{BTreeMap, HashMap, HashSet};

#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
/// Addresses per `check_import` call (the server takes up to 5,000).
const CHECK_CHUNK: usize = 2_000;

/// The admin's choices, read when the upload starts.
#[derive(Clone, Copy)]
pub struct UploadChoices {
    pub resend_pending: RwSignal<bool>,
    pub create_groups: RwSignal<bool>,
    pub skip_expired: RwSignal<bool>,
    pub same_for_all: RwSignal<bool>,
    /// For rows whose file gives no role: the workspace's default.
    pub default_role: RwSignal<Role>,
    pub role_for_all: RwSignal<Role>,
    pub groups_for_all: RwSignal<String>,
    /// Row number → where that person stands; filled by `check_workspace`.
    pub matches: RwSignal<HashMap<usize, WorkspaceMatch>>,
    /// Group keys the workspace has; None until known.
    pub existing_groups: RwSignal<Option<HashSet<String>>>,
    pub check_error: RwSignal<Option<String>>,
    /// While `check_workspace` runs for the file shown.
    pub checking: RwSignal<bool>,
    /// Update the file's active members from it (off: skip them).
    pub update_members: RwSignal<bool>,
    /// Row number → what updating that member would change; filled by
    /// `plan_updates` while `update_members` is on.
    pub planned: RwSignal<HashMap<usize, MemberChanges>>,
    pub planning: RwSignal<bool>,
}

impl UploadChoices {
    pub fn new() -> Self {
        Self {
            resend_pending: RwSignal::new(false),
            create_groups: RwSignal::new(false),
            skip_expired: RwSignal::new(false),
            same_for_all: RwSignal::new(false),
            default_role: RwSignal::new(Role::Member),
            role_for_all: RwSignal::new(Role::Member),
            groups_for_all: RwSignal::new(String::new()),
            matches: RwSignal::new(HashMap::new()),
            existing_groups: RwSignal::new(None),
            check_error: RwSignal::new(None),
            checking: RwSignal::new(false),
            update_members: RwSignal::new(false),
            planned: RwSignal::new(HashMap::new()),
            planning: RwSignal::new(false),
        }
    }

    pub fn conflicts(&self, file: &CheckedFile) -> ConflictChoices {
        ConflictChoices {
            resend_pending: self.resend_pending.get_untracked(),
            create_groups: self.create_groups.get_untracked(),
            skip_expired: self.skip_expired.get_untracked(),
            update_members: self
                .update_members
                .get_untracked()
                .then(|| self.update_fields(file)),
        }
    }

    /// The fields an update takes: those the file has columns for, and role
    /// and groups when they are the same for everyone.
    pub fn update_fields(&self, file: &CheckedFile) -> UpdateFields {
        let mut fields = UpdateFields::of_mapping(&file.prepared.mapping);
        if self.same_for_all.get_untracked() {
            fields.role = true;
            fields.groups = true;
        }
        fields
    }

    /// The file's ready rows as they are sent: with the role and groups for
    /// everyone, when that was chosen. Err: those groups are not valid.
    pub fn rows_to_send(&self, file: &CheckedFile) -> Result<Vec<ImportRow>, String> {
        let same_for_all = match self.override_groups_untracked() {
            Some(Ok(groups)) => Some((self.role_for_all.get_untracked(), groups)),
            Some(Err(message)) => return Err(format!("Groups for everyone: {message}")),
            None => None,
        };
        Ok(file
            .candidates
            .iter()
            .filter(|c| c.is_ready())
            .map(|c| {
                let mut row = ImportRow::from(c);
                if let Some((role, groups)) = &same_for_all {
                    row.role = *role;
                    row.role_defaulted = false;
                    row.groups = groups.clone();
                }
                row
            })
            .collect())
    }

    /// What the preview says of a row's person: where they stand, or what
    /// updating them would change.
    pub fn standing_of(&self, row: usize) -> String {
        let Some(found) = self.matches.with(|m| m.get(&row).copied()) else {
            return String::new();
        };
        if found != WorkspaceMatch::Member || !self.update_members.get() {
            return match_label(found).to_owned();
        }
        self.planned.with(|planned| match planned.get(&row) {
            Some(changes) if !changes.is_empty() => format!("Update: {}", changes.describe()),
            Some(_) => "Already a member · no change".to_owned(),
            None => match_label(found).to_owned(),
        })
    }

    fn override_groups_untracked(&self) -> Option<Result<Vec<String>, String>> {
        leptos::prelude::untrack(|| self.override_groups())
    }

    /// The groups for everyone, when that was chosen and they are valid.
    pub fn override_groups(&self) -> Option<Result<Vec<String>, String>> {
        self.same_for_all.get().then(|| {
            self.groups_for_all.with(|text| {
                GroupName::parse_list(text)
                    .map(|names| names.iter().map(|n| n.as_str().to_owned()).collect())
                    .map_err(|e| e.0)
            })
        })
    }
}

/// Asks the server where each ready row's person stands, and which groups
/// exist. Runs in the browser after a file is checked. `still_current` is
/// false once the admin has chosen another file, mapping or edit: an older
/// answer then changes nothing.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub async fn check_workspace(
    slug: String,
    checked: CheckedSignal,
    choices: UploadChoices,
    still_current: impl Fn() -> bool,
) {
    choices.check_error.set(None);
    choices.matches.set(HashMap::new());
    let total = checked.with_untracked(|c| match c {
        Some(Ok(file)) => file.candidates.len(),
        _ => 0,
    });
    // The ready rows' addresses, taken a window of rows at a time (not all
    // copied at once: that alone would hold the page up for 100,000 rows).
    let ready_in = |from: usize| -> Vec<(usize, String)> {
        checked.with_untracked(|c| match c {
            Some(Ok(file)) => file
                .candidates
                .iter()
                .skip(from)
                .take(CHECK_CHUNK)
                .filter(|c| c.is_ready())
                .map(|c| (c.row, c.email.clone()))
                .collect(),
            _ => Vec::new(),
        })
    };
    if total == 0 {
        choices.checking.set(false);
        return;
    }
    choices.checking.set(true);
    let groups = list_groups(slug.clone()).await;
    if !still_current() {
        return;
    }
    match groups {
        Ok(groups) => choices.existing_groups.set(Some(
            groups
                .iter()
                .filter_map(|g| GroupName::parse(&g.name).ok().map(|n| n.key()))
                .collect(),
        )),
        Err(error) => choices.check_error.set(Some(error.to_string())),
    }
    let mut found = HashMap::with_capacity(total);
    for from in (0..total).step_by(CHECK_CHUNK) {
        let chunk = ready_in(from);
        if chunk.is_empty() {
            continue;
        }
        let emails = chunk.iter().map(|(_, e)| e.clone()).collect();
        let answers = check_import(slug.clone(), emails).await;
        if !still_current() {
            return;
        }
        match answers {
            Ok(answers) => {
                found.extend(chunk.iter().map(|(row, _)| *row).zip(answers));
            }
            Err(error) => {
                choices.check_error.set(Some(error.to_string()));
                choices.checking.set(false);
                return;
            }
        }
    }
    choices.matches.set(found);
    choices.checking.set(false);
}

/// Asks the server what updating the file's active members would change,
/// as the rows would be sent. `still_current` as for `check_workspace`.
pub async fn plan_updates(
    slug: String,
    checked: CheckedSignal,
    choices: UploadChoices,
    still_current: impl Fn() -> bool,
) {
    let request = checked.with_untracked(|c| match c {
        Some(Ok(file)) => Some((choices.rows_to_send(file), choices.update_fields(file))),
        _ => None,
    });
    let (members, fields): (Vec<ImportRow>, UpdateFields) = match request {
        Some((Ok(rows), fields)) => (
            choices.matches.with_untracked(|m| {
                rows.into_iter()
                    .filter(|r| m.get(&r.row) == Some(&WorkspaceMatch::Member))
                    .collect()
            }),
            fields,
        ),
        _ => (Vec::new(), UpdateFields::default()),
    };
    if members.is_empty() {
        choices.planned.set(HashMap::new());
        choices.planning.set(false);
        return;
    }
    choices.planning.set(true);
    let mut found = HashMap::with_capacity(members.len());
    for chunk in members.chunks(CHECK_CHUNK) {
        let answer = plan_member_updates(slug.clone(), chunk.to_vec(), fields).await;
        if !still_current() {
            return;
        }
        match answer {
            Ok(planned) => found.extend(planned.into_iter().map(|p| (p.row, p.changes))),
            Err(error) => {
                choices.check_error.set(Some(error.to_string()));
                choices.planning.set(false);
                return;
            }
        }
    }
    choices.planned.set(found);
    choices.planning.set(false);
}

pub fn match_label(m: WorkspaceMatch) -> &'static str {
    match m {
        WorkspaceMatch::New => "New",
        WorkspaceMatch::Member => "Already a member",
        WorkspaceMatch::Archived => "Archived member",
        WorkspaceMatch::Pending => "Invitation open",
        WorkspaceMatch::Expired => "Invitation expired",
    }
}

/// While updating members is on, what it would change follows the file, its
/// check against the workspace and the role and groups for everyone (in
/// the browser; shown in Review and Confirm).
pub fn follow_update_plans(slug: String, checked: CheckedSignal, choices: UploadChoices) {
    let plans = StoredValue::new(0u64);
    Effect::new(move |_| {
        // Not while the rows or their standing are still coming: once, after.
        if !choices.update_members.get() || choices.checking.get() {
            return;
        }
        choices.matches.track();
        checked.track();
        choices.same_for_all.track();
        choices.role_for_all.track();
        choices.groups_for_all.track();
        plans.update_value(|n| *n += 1);
        let mine = plans.get_value();
        leptos::task::spawn_local(plan_updates(slug.clone(), checked, choices, move || {
            plans.get_value() == mine
        }));
    });
}

#[component]
pub fn WorkspaceCheck(checked: CheckedSignal, choices: UploadChoices) -> impl IntoView {
    let tally = Memo::new(move |_| {
        choices.matches.with(|m| {
            let mut counts: BTreeMap<u8, usize> = BTreeMap::new();
            for kind in m.values() {
                *counts.entry(*kind as u8).or_default() += 1;
            }
            let n = |k: WorkspaceMatch| counts.get(&(k as u8)).copied().unwrap_or(0);
            [
                n(WorkspaceMatch::New),
                n(WorkspaceMatch::Member),
                n(WorkspaceMatch::Archived),
                n(WorkspaceMatch::Pending),
                n(WorkspaceMatch::Expired),
            ]
        })
    });
    // Groups named by ready rows (or chosen for everyone) that do not exist;
    // worked out once the rows are all in.
    let unknown_groups = Memo::new(move |_| {
        if choices.checking.get() {
            return None;
        }
        let existing = choices.existing_groups.get()?;
        let named: Vec<String> = match choices.override_groups() {
            Some(Ok(list)) => list,
            Some(Err(_)) => Vec::new(),
            None => checked.with(|c| match c {
                // Each name once, in file order: a file of 100,000 rows
                // names a few groups.
                Some(Ok(file)) => {
                    let mut seen = HashSet::new();
                    file.candidates
                        .iter()
                        .filter(|c| c.is_ready())
                        .flat_map(|c| c.groups.iter().map(String::as_str))
                        .filter(|name| seen.insert(*name))
                        .map(str::to_owned)
                        .collect()
                }
                _ => Vec::new(),
            }),
        };
        let mut missing: BTreeMap<String, String> = BTreeMap::new();
        for name in named {
            if let Ok(parsed) = GroupName::parse(&name) {
                if !existing.contains(&parsed.key()) {
                    missing.entry(parsed.key()).or_insert(name);
                }
            }
        }
        Some(missing.into_values().collect::<Vec<_>>())
    });
    let summary = move || {
        if choices.checking.get() {
            return "Checking the file against the workspace…".to_owned();
        }
        let [new, member, archived, pending, expired] = tally.get();
        if new + member + archived + pending + expired == 0 {
            return "No row is ready to check against the workspace.".to_owned();
        }
        format!(
            "In this workspace: {new} new · {member} already members · {archived} archived · {pending} with an open invitation · {expired} with an expired invitation."
        )
    };
    view! {
        <section class="workspace-check" aria-label="Check against the workspace">
            <p role="status">{summary}</p>
            {move || choices.check_error.get().map(|e| view! { <p class="alert" role="alert">{e}</p> })}
            {move || (tally.get()[1] > 0).then(|| view! {
                <div class="field checkbox">
                    <input id="update-members" type="checkbox" prop:checked=move || choices.update_members.get()
                        aria-describedby="update-members-hint"
                        on:change=move |ev| choices.update_members.set(event_target_checked(&ev))/>
                    <label for="update-members">"Update their role, groups and metadata from the file"</label>
                </div>
                <p class="hint" id="update-members-hint" role="status">{move || update_hint(choices, tally.get()[1])}</p>
            })}
            {move || {
                let archived = tally.get()[2];
                (archived > 0).then(|| view! {
                    <p class="hint">{match archived {
                        1 => "1 archived member will be skipped: archived members are not updated.".to_owned(),
                        n => format!("{n} archived members will be skipped: archived members are not updated."),
                    }}</p>
                })
            }}
            {move || (tally.get()[3] > 0).then(|| view! {
                <EitherOr legend="People with an open invitation" name="pending" chosen=choices.resend_pending
                    off=("skip-pending", "Skip them")
                    on=("resend-pending", "Send them a new link (the old one stops working)")/>
            })}
            {move || (tally.get()[4] > 0).then(|| view! {
                <EitherOr legend="People whose invitation expired" name="expired" chosen=choices.skip_expired
                    off=("reinvite-expired", "Invite them again (a new link)")
                    on=("skip-expired", "Skip them")/>
            })}
            {move || unknown_groups.get().filter(|g| !g.is_empty()).map(|groups| view! {
                <div class="field checkbox">
                    <input id="create-groups" type="checkbox" prop:checked=move || choices.create_groups.get()
                        on:change=move |ev| choices.create_groups.set(event_target_checked(&ev))/>
                    <label for="create-groups">{format!("Create the groups that do not exist yet: {}", groups.join(", "))}</label>
                </div>
                <p class="hint">"Otherwise the rows naming them are not imported."</p>
            })}
        </section>
    }
    .into_any()
}

/// What the members already in the workspace come to.
fn update_hint(choices: UploadChoices, members: usize) -> String {
    if !choices.update_members.get() {
        return match members {
            1 => "1 person already a member will be skipped.".to_owned(),
            n => format!("{n} people already members will be skipped."),
        };
    }
    if choices.planning.get() {
        return "Working out what the file changes for them…".to_owned();
    }
    let (changed, unchanged) = choices.planned.with(|planned| {
        let changed = planned.values().filter(|c| !c.is_empty()).count();
        (changed, planned.len() - changed)
    });
    format!("{changed} to update · {unchanged} unchanged. Each row shows what changes.")
}

/// Role and groups from the file, or one role and group set for everyone.
#[component]
pub fn PermissionsChoice(choices: UploadChoices) -> impl IntoView {
    let groups_error = move || match choices.override_groups() {
        Some(Err(message)) => Some(message),
        _ => None,
    };
    view! {
        <EitherOr legend="Role and groups" name="permissions" chosen=choices.same_for_all
            off=("permissions-from-file", "From the file")
            on=("permissions-same", "The same for everyone")>
            {move || choices.same_for_all.get().then(|| view! {
                <div class="inline-fields">
                    <div class="field">
                        <label for="role-for-all">"Role for everyone"</label>
                        <select id="role-for-all" on:change=move |ev| {
                            if let Ok(role) = Role::parse(&event_target_value(&ev)) {
                                choices.role_for_all.set(role);
                            }
                        }>
                            {Role::ALL.into_iter().map(|role| view! {
                                <option value=role.as_str() selected=move || choices.role_for_all.get() == role>{role.label()}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="groups-for-all">"Groups for everyone"</label>
                        <input id="groups-for-all" type="text" list="group-choices" placeholder="Sales, Berlin"
                            aria-invalid=move || groups_error().is_some().then_some("true")
                            aria-describedby="groups-for-all-error"
                            prop:value=move || choices.groups_for_all.get()
                            on:input=move |ev| choices.groups_for_all.set(event_target_value(&ev))/>
                        <p id="groups-for-all-error" class="field-error">{groups_error}</p>
                    </div>
                </div>
            })}
        </EitherOr>
    }
    .into_any()
}

/// Two radio buttons for one yes/no choice; `chosen` is true for `on`.
#[component]
fn EitherOr(
    legend: &'static str,
    name: &'static str,
    chosen: RwSignal<bool>,
    off: (&'static str, &'static str),
    on: (&'static str, &'static str),
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let option = move |(id, label): (&'static str, &'static str), value: bool| {
        view! {
            <div class="field checkbox">
                <input id=id type="radio" name=name prop:checked=move || chosen.get() == value
                    on:change=move |_| chosen.set(value)/>
                <label for=id>{label}</label>
            </div>
        }
    };
    view! {
        <fieldset class="choice">
            <legend>{legend}</legend>
            {option(off, false)}
            {option(on, true)}
            {children.map(|c| c())}
        </fieldset>
    }
}
