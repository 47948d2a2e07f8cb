// Placeholder until the embedded-database launcher lands: starts nothing.
export default async function globalSetup(): Promise<void> {}
