//! The loader's 1-second throttle on `widget.load` and `widget.refresh`, modelled so the panel
//! can say when a call was collapsed and when the trailing call runs.
//!
//! The first call runs at once and opens a one-second window; calls inside the window collapse
//! into ONE trailing call (last arguments) that runs when the window ends and opens a new window.

use serde::{Deserialize, Serialize};

pub const THROTTLE_MS: f64 = 1000.0;

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
pub struct Throttle {
    window_start: Option<f64>,
    trailing_pending: bool,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ThrottleVerdict {
    RunsNow,
    /// Collapsed into the trailing call that runs at this time (ms since navigation).
    Collapsed {
        runs_at: f64,
    },
}

impl Throttle {
    pub fn call(&mut self, t: f64) -> ThrottleVerdict {
        let Some(mut start) = self.window_start else {
            self.window_start = Some(t);
            return ThrottleVerdict::RunsNow;
        };
        // A pending trailing call ran at the end of its window and opened the next one.
        while self.trailing_pending && t >= start + THROTTLE_MS {
            start += THROTTLE_MS;
            self.trailing_pending = false;
        }
        if t < start + THROTTLE_MS {
            self.window_start = Some(start);
            self.trailing_pending = true;
            ThrottleVerdict::Collapsed { runs_at: start + THROTTLE_MS }
        } else {
            self.window_start = Some(t);
            self.trailing_pending = false;
            ThrottleVerdict::RunsNow
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_calls_back_to_back_make_a_leading_and_a_trailing_call() {
        let mut throttle = Throttle::default();
        assert_eq!(throttle.call(0.0), ThrottleVerdict::RunsNow);
        assert_eq!(throttle.call(10.0), ThrottleVerdict::Collapsed { runs_at: 1000.0 });
    }

    #[test]
    fn three_calls_within_a_second_still_make_two() {
        let mut throttle = Throttle::default();
        assert_eq!(throttle.call(0.0), ThrottleVerdict::RunsNow);
        assert_eq!(throttle.call(300.0), ThrottleVerdict::Collapsed { runs_at: 1000.0 });
        assert_eq!(throttle.call(600.0), ThrottleVerdict::Collapsed { runs_at: 1000.0 });
    }

    #[test]
    fn the_trailing_call_opens_the_next_window() {
        let mut throttle = Throttle::default();
        throttle.call(0.0);
        throttle.call(500.0);
        // The trailing call ran at 1000 ms, so a call at 1500 ms waits for 2000 ms.
        assert_eq!(throttle.call(1500.0), ThrottleVerdict::Collapsed { runs_at: 2000.0 });
        // Nothing pending after 3000 ms: the next call runs at once.
        assert_eq!(throttle.call(3500.0), ThrottleVerdict::RunsNow);
    }

    #[test]
    fn a_call_after_a_quiet_second_runs_at_once() {
        let mut throttle = Throttle::default();
        throttle.call(0.0);
        assert_eq!(throttle.call(1000.0), ThrottleVerdict::RunsNow);
        assert_eq!(throttle.call(2500.0), ThrottleVerdict::RunsNow);
    }
}
