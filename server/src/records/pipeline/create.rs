//! `POST /api/collections/{c}/records` (and batch creates).

use std::sync::Arc;

use serde_json::{Map, Value};

use super::{CREATE_FAILED, find, hash_passwords, run_validation, unsupported_view};
use crate::core::Core;
use crate::error::{ApiError, msg};
use crate::hooks::{RecordEvent, RecordRequestEvent};
use crate::realtime::Action;
use crate::records::exec::Exec;
use crate::records::resolver::RequestInfo;
use crate::records::rules::{Gate, gate};
use crate::records::{Record, persist, prepare};
use crate::schema::Collection;

/// Creates a record: create rule, request hook, validation, persist hook, after-success hook.
pub async fn create(
    core: &Arc<Core>,
    exec: &Exec,
    c: Arc<Collection>,
    mut info: RequestInfo,
    body: Map<String, Value>,
    from_form: bool,
) -> Result<Record, ApiError> {
    unsupported_view(&c)?;
    let g = gate(c.create_rule.as_deref(), &info.auth);
    if g == Gate::Locked {
        return Err(ApiError::forbidden(msg::SUPERUSERS_ONLY));
    }
    info.body = body.clone();
    let auth = info.auth.clone();
    let mut record = Record::new(c.clone());
    let applied = prepare::apply_body(&mut record, &body, from_form, true);
    prepare::fill_generated(&mut record, true);
    let event = RecordRequestEvent {
        collection: c.clone(),
        record,
        original: None,
        auth,
        body,
    };
    let (core2, exec2) = (core.clone(), exec.clone());
    let ev = core
        .hooks
        .on_record_create_request
        .trigger(event, move |mut e| async move {
            let (core, exec) = (core2, exec2);
            if let Gate::Expression(rule) = &g
                && !find::check_create_rule(&core, &exec, &e.record, &info, rule).await?
            {
                return Err(ApiError::bad_request(CREATE_FAILED));
            }
            let protected =
                super::auth_fields::protected_field_errors(&core, &exec, &e.record, None, &info)
                    .await?;
            let mut record =
                run_validation(&core, e.record, None, &applied, protected, CREATE_FAILED).await?;
            hash_passwords(&mut record, applied.passwords).await?;
            let event = RecordEvent {
                collection: record.collection.clone(),
                record,
                original: None,
            };
            let (core3, exec3) = (core.clone(), exec.clone());
            let ev = core
                .hooks
                .on_record_create
                .trigger(event, move |ev| async move {
                    let record = ev.record.clone();
                    exec3
                        .write(&core3, CREATE_FAILED, move |conn, snapshot| {
                            persist::check_relations(conn, snapshot, &record)?;
                            persist::insert(conn, &record)
                        })
                        .await?;
                    Ok(ev)
                })
                .await?;
            exec.publish(&core, Action::Create, ev.record.clone());
            exec.after(
                &core,
                |c| &c.hooks.on_record_after_create_success,
                ev.clone(),
            );
            e.record = ev.record;
            Ok(e)
        })
        .await?;
    Ok(ev.record)
}
