import ArgumentParser

/// Exit codes with meaning (STYLE.md): systemd is told not to restart on 78.
public enum ExitCodes {
    /// Problems found (check, audit).
    public static let failuresFound = ExitCode(1)
    public static let usage = ExitCode(2)
    /// Configuration error (sysexits EX_CONFIG).
    public static let configuration = ExitCode(78)
}
