/** Runs once before all test files; nothing to prepare yet. */
export default async function setup() {}
