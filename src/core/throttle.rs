//! The loader's 1-second throttle on `widget.load` and `widget.refresh`, modelled so the panel
//! can say when a call was collapsed and when the trailing call runs.
//!
//! As `hubspot-loader-facts.md` measured it: the first call runs at once (the LEADING call); calls
//! less than a second after the leading call, and every call while a trailing call is pending,
//! collapse into ONE trailing call (last arguments) that runs a second after the leading call. The
//! trailing call does not open a new window: calls at 0/500/1100/1300 ms run at 0, 1000, 1100 and
//! 2100 ms. Its timer can run late on a busy page, and calls until then still collapse into it, so
//! a replay that knows when it really ran ([`Throttle::call_knowing`]) is exact where the nominal
//! one ([`Throttle::call`]) is a prediction.

use serde::{Deserialize, Serialize};

pub const THROTTLE_MS: f64 = 1000.0;

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)] // a document stored by an older release starts a new window
pub struct Throttle {
    /// When the last leading call ran.
    leading: Option<f64>,
    /// When the pending trailing call is due (a second after the leading call).
    trailing_due: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ThrottleVerdict {
    RunsNow,
    /// Collapsed into the trailing call due at this time (ms since navigation).
    Collapsed {
        runs_at: f64,
    },
}

impl Throttle {
    /// A call at `t`, its pending trailing call assumed to run when due.
    pub fn call(&mut self, t: f64) -> ThrottleVerdict {
        self.call_knowing(t, |due| t >= due)
    }

    /// A call at `t`; `trailing_ran(due)` says whether the pending trailing call due at `due` had
    /// run by `t` (its timer may have run late).
    pub fn call_knowing(&mut self, t: f64, trailing_ran: impl FnOnce(f64) -> bool) -> ThrottleVerdict {
        if self.trailing_due.is_some_and(trailing_ran) {
            self.trailing_due = None;
        }
        match (self.leading, self.trailing_due) {
            (Some(leading), None) if t - leading < THROTTLE_MS => {
                let due = leading + THROTTLE_MS;
                self.trailing_due = Some(due);
                ThrottleVerdict::Collapsed { runs_at: due }
            }
            (_, Some(due)) => ThrottleVerdict::Collapsed { runs_at: due },
            _ => {
                self.leading = Some(t);
                ThrottleVerdict::RunsNow
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ThrottleVerdict::*;

    #[test]
    fn two_calls_back_to_back_make_a_leading_and_a_trailing_call() {
        let mut throttle = Throttle::default();
        assert_eq!(throttle.call(0.0), RunsNow);
        assert_eq!(throttle.call(10.0), Collapsed { runs_at: 1000.0 });
    }

    #[test]
    fn three_calls_within_a_second_still_make_two() {
        let mut throttle = Throttle::default();
        assert_eq!(throttle.call(0.0), RunsNow);
        assert_eq!(throttle.call(300.0), Collapsed { runs_at: 1000.0 });
        assert_eq!(throttle.call(600.0), Collapsed { runs_at: 1000.0 });
    }

    #[test]
    fn the_trailing_call_does_not_open_a_window_as_measured() {
        // hubspot-loader-facts.md: calls at 0/500/1100/1300 ms → requests at +3, +1004, +1105, +2106 ms.
        let mut throttle = Throttle::default();
        let verdicts: Vec<_> = [0.0, 500.0, 1100.0, 1300.0].into_iter().map(|t| throttle.call(t)).collect();
        assert_eq!(verdicts, [RunsNow, Collapsed { runs_at: 1000.0 }, RunsNow, Collapsed { runs_at: 2100.0 }]);
        // A call after the trailing one ran, a second after the last LEADING call, runs at once.
        let mut throttle = Throttle::default();
        throttle.call(0.0);
        throttle.call(500.0);
        assert_eq!(throttle.call(1500.0), RunsNow);
        assert_eq!(throttle.call(1700.0), Collapsed { runs_at: 2500.0 });
    }

    #[test]
    fn a_call_after_a_quiet_second_runs_at_once() {
        let mut throttle = Throttle::default();
        throttle.call(0.0);
        assert_eq!(throttle.call(1000.0), RunsNow);
        assert_eq!(throttle.call(2500.0), RunsNow);
    }

    #[test]
    fn calls_while_a_late_trailing_call_is_still_pending_collapse_into_it() {
        // The trailing call due at 1000 ms ran at 1474 ms (a busy page): the call at 1100 ms merged.
        let mut throttle = Throttle::default();
        throttle.call(0.0);
        throttle.call(300.0);
        assert_eq!(throttle.call_knowing(1100.0, |_| false), Collapsed { runs_at: 1000.0 });
        // Once it ran, the next call is a leading one (more than a second after the last).
        assert_eq!(throttle.call_knowing(1500.0, |_| true), RunsNow);
        assert_eq!(throttle.call_knowing(1600.0, |_| true), Collapsed { runs_at: 2500.0 });
    }
}
