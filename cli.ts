/** Placeholder until the CLI lands. @module */
export {};
