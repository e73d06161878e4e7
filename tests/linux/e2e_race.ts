import "./e2e_support.ts";
