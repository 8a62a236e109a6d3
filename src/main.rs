//! The `govaudit` binary: runs the command and maps the result to an exit code
//! (0 clean, 1 findings at or above `--fail-on`, 2 usage/config/runtime error).

fn main() {
    let code = match govaudit::cli::run() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("govaudit: error: {e}");
            govaudit::cli::EXIT_ERROR
        }
    };
    std::process::exit(code);
}
