//! Helpers the integration tests share.

use std::process::Command;

/// Runs `command`, failing the test with its stderr if it does not succeed.
pub fn run(command: &mut Command) {
    let out = command.output().unwrap();
    assert!(
        out.status.success(),
        "{command:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
