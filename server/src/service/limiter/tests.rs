use super::*;

fn keys(ks: &[&str]) -> Vec<String> {
    ks.iter().map(|k| k.to_string()).collect()
}

#[test]
fn failures_are_counted_per_key_and_refused_beyond_max() {
    let limiter = FailureLimiter::new(3, 10, Duration::from_secs(60));
    let ks = keys(&["ip:1.2.3.4", "ip:1.2.3.4|email:a@b"]);
    let t0 = Instant::now();
    for _ in 0..3 {
        assert_eq!(limiter.record_failure_at(&ks, t0), None);
    }
    assert!(limiter.record_failure_at(&ks, t0).is_some());
    assert!(limiter.reserve_at(&ks, t0).is_err());
    // Another address is not affected, not even for the same email.
    assert!(limiter
        .reserve_at(&keys(&["ip:5.6.7.8", "ip:5.6.7.8|email:a@b"]), t0)
        .is_ok());
}

#[test]
fn failures_expire_after_the_window_and_the_wait_says_when() {
    let limiter = FailureLimiter::new(1, 1, Duration::from_secs(60));
    let ks = keys(&["ip:1"]);
    let t0 = Instant::now();
    limiter.record_failure_at(&ks, t0);
    let wait = limiter
        .reserve_at(&ks, t0 + Duration::from_secs(20))
        .expect_err("limited");
    assert_eq!(wait, Duration::from_secs(40));
    assert!(limiter
        .reserve_at(&ks, t0 + Duration::from_secs(61))
        .is_ok());
}

#[test]
fn reservations_are_atomic_under_concurrency_and_successes_give_the_slot_back() {
    let limiter = std::sync::Arc::new(FailureLimiter::new(10, 10, Duration::from_secs(60)));
    let granted = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..200 {
            s.spawn(|| {
                if let Ok(r) = limiter.reserve(&keys(&["ip:9"])) {
                    granted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    std::mem::forget(r); // kept: a failure
                }
            });
        }
    });
    assert_eq!(granted.into_inner(), 10);
    // A success does not count.
    let other = keys(&["ip:8"]);
    for _ in 0..50 {
        limiter.reserve(&other).expect("slot").succeeded();
    }
    assert!(limiter.reserve(&other).is_ok());
}

#[test]
fn between_max_and_hard_only_failures_are_refused() {
    let limiter = FailureLimiter::new(2, 5, Duration::from_secs(60));
    let ks = keys(&["ip:nat"]);
    let t0 = Instant::now();
    let answers: Vec<bool> = (0..5)
        .map(|_| limiter.record_failure_at(&ks, t0).is_some())
        .collect();
    assert_eq!(answers, [false, false, true, true, true]);
    let mut state = limiter.lock();
    assert!(limiter.over(&mut state, &ks, limiter.hard, t0).is_some());
}

#[test]
fn a_classroom_joins_at_once_and_a_script_is_stopped_then_refilled() {
    let limiter = TokenBuckets::new(40, 60, Duration::from_secs(3600));
    let t0 = Instant::now();
    for i in 0..40 {
        assert!(
            limiter.try_take_at("ip:1.2.3.4", t0).is_ok(),
            "learner {i} of the class"
        );
    }
    let wait = limiter.try_take_at("ip:1.2.3.4", t0).expect_err("empty");
    assert_eq!(wait, Duration::from_secs(60));
    // Another address is not affected.
    assert!(limiter.try_take_at("ip:5.6.7.8", t0).is_ok());
    // One per minute comes back.
    assert!(limiter
        .try_take_at("ip:1.2.3.4", t0 + Duration::from_secs(30))
        .is_err());
    assert!(limiter
        .try_take_at("ip:1.2.3.4", t0 + Duration::from_secs(90))
        .is_ok());
}
