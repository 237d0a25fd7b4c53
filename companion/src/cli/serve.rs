//! `companion serve` and `companion worker`.

use companion::App;
use companion::config::Config;
use companion::error::Result;

pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}

pub async fn serve(config: Config) -> Result<()> {
    let app = App::build(config).await?;
    let state = app.state().clone();
    let base = state.config.base_url().to_owned();
    println!(
        "AutoResume companion listening on {base} ({} database)",
        state.config.database_kind()
    );
    if !companion::users::any(&state.store).await? {
        let token = state.setup.issue()?;
        println!();
        println!("First run: open this one-time link to create your account:");
        println!("    {base}/setup/{token}");
    } else {
        println!("Dashboard: {base}/dashboard");
        println!("Pair the extension: open {base}/dashboard/devices and create a pairing code,");
        println!(
            "or run `companion pair --user NAME`; then enter the address and the code in the extension popup."
        );
    }
    app.serve(shutdown_signal()).await
}
