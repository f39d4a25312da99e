/** Where the browser tests' app runs; E2E_PORT lets two checkouts test side by side. */
export const E2E_PORT = Number(process.env.E2E_PORT ?? 3300);
export const E2E_DATA_DIR = `.data/e2e-${E2E_PORT}`;
/** The app under test runs on its own PostgreSQL database, one per port. */
export const E2E_DATABASE = `portcullis_e2e_${E2E_PORT}`;
