//! An incremental `text/event-stream` reader (the subset of the WHATWG rules the companion
//! uses: `id`, `data`, comments). Network chunks split lines anywhere, even between `\r` and
//! `\n`, so the parser keeps the unfinished tail between calls.

/// One dispatched event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseMessage {
    /// The stream's last event id after this event (ids persist until changed, per spec).
    pub last_event_id: Option<String>,
    /// The `data:` lines joined with `\n`.
    pub data: String,
}

#[derive(Debug, Default)]
pub struct SseParser {
    pending: String,
    /// A `\r` ended the previous chunk, so a `\n` starting this one belongs to it.
    skip_lf: bool,
    data: Option<String>,
    last_event_id: Option<String>,
}

impl SseParser {
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds one decoded chunk and returns the events it completed.
    pub fn push(&mut self, chunk: &str) -> Vec<SseMessage> {
        let mut out = Vec::new();
        let mut rest = chunk;
        if self.skip_lf {
            rest = rest.strip_prefix('\n').unwrap_or(rest);
            self.skip_lf = false;
        }
        while let Some(end) = rest.find(['\r', '\n']) {
            self.pending.push_str(&rest[..end]);
            let line = std::mem::take(&mut self.pending);
            if let Some(message) = self.line(&line) {
                out.push(message);
            }
            let after = &rest[end + 1..];
            rest = if rest.as_bytes()[end] == b'\r' {
                if after.is_empty() {
                    self.skip_lf = true;
                }
                after.strip_prefix('\n').unwrap_or(after)
            } else {
                after
            };
        }
        self.pending.push_str(rest);
        out
    }

    fn line(&mut self, line: &str) -> Option<SseMessage> {
        if line.is_empty() {
            return self.data.take().map(|data| SseMessage {
                last_event_id: self.last_event_id.clone(),
                data,
            });
        }
        if line.starts_with(':') {
            return None;
        }
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line, ""),
        };
        match field {
            "data" => match &mut self.data {
                Some(data) => {
                    data.push('\n');
                    data.push_str(value);
                }
                None => self.data = Some(value.to_owned()),
            },
            "id" if !value.contains('\0') => self.last_event_id = Some(value.to_owned()),
            // `event`, `retry` and unknown fields do not matter to this client.
            _ => {}
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(id: &str, data: &str) -> SseMessage {
        SseMessage {
            last_event_id: Some(id.to_owned()),
            data: data.to_owned(),
        }
    }

    #[test]
    fn reads_events_and_skips_comments() {
        let mut parser = SseParser::new();
        let got =
            parser.push(": keep-alive\n\nid: 1\ndata: {\"a\":1}\n\nid:2\ndata:x\ndata: y\n\n");
        assert_eq!(got, vec![message("1", "{\"a\":1}"), message("2", "x\ny")]);
    }

    #[test]
    fn survives_any_chunk_boundary() {
        let stream = "id: 7\r\ndata: hello\r\n\r\n: ping\r\nid: 8\rdata: world\r\r";
        for split in 0..=stream.len() {
            let mut parser = SseParser::new();
            let mut got = parser.push(&stream[..split]);
            got.extend(parser.push(&stream[split..]));
            assert_eq!(
                got,
                vec![message("7", "hello"), message("8", "world")],
                "split at {split}"
            );
        }
    }

    #[test]
    fn event_without_data_is_not_dispatched_but_keeps_its_id() {
        let mut parser = SseParser::new();
        assert!(parser.push("id: 3\n\n").is_empty());
        assert_eq!(parser.push("data: z\n\n"), vec![message("3", "z")]);
    }
}
