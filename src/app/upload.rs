//! Sending a form with a file from the browser, with upload progress (the picture uploader,
//! the spreadsheet import).

#[cfg(feature = "hydrate")]
use wasm_bindgen::{JsCast, JsValue, closure::Closure};
#[cfg(feature = "hydrate")]
use web_sys::{FormData, HtmlFormElement, ProgressEvent, XmlHttpRequest};

/// A fraction sent (0 to 1) as a whole percentage. Not `format!("{:.0}", …)` of the float:
/// that would put Rust's float printing into the browser bundle for a progress label.
pub fn percent(done: f64) -> u32 {
    (done.clamp(0.0, 1.0) * 100.0).round() as u32
}

#[cfg(feature = "hydrate")]
/// Posts `form` to `url` asking for JSON; `on_progress` gets 0..1 as it is sent, `on_done`
/// the status (0 when the request failed) and the body. XHR, because `fetch` reports no
/// upload progress.
pub fn send_form(
    form: &HtmlFormElement,
    url: &str,
    on_progress: impl Fn(f64) + 'static,
    on_done: impl FnOnce(u16, String) + 'static,
) -> Result<(), JsValue> {
    let data = FormData::new_with_form(form)?;
    let xhr = XmlHttpRequest::new()?;
    xhr.open("POST", url)?;
    xhr.set_request_header("Accept", "application/json")?;
    let progress = Closure::<dyn Fn(ProgressEvent)>::new(move |ev: ProgressEvent| {
        if ev.length_computable() && ev.total() > 0.0 {
            on_progress(ev.loaded() / ev.total());
        }
    });
    xhr.upload()?.set_onprogress(Some(progress.as_ref().unchecked_ref()));
    let finished = xhr.clone();
    let done = Closure::once(move || {
        let status = finished.status().unwrap_or(0);
        let body = finished.response_text().ok().flatten().unwrap_or_default();
        on_done(status, body);
    });
    xhr.set_onloadend(Some(done.as_ref().unchecked_ref()));
    // The request holds its handlers until it ends; they are a few hundred bytes each.
    progress.forget();
    done.forget();
    xhr.send_with_opt_form_data(Some(&data))
}

#[cfg(test)]
mod tests {
    #[test]
    fn progress_is_a_whole_percentage() {
        let p = super::percent;
        assert_eq!((p(0.0), p(0.424), p(0.5), p(1.2)), (0, 42, 50, 100));
    }
}
