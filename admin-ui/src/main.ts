import { mount } from "svelte";
import App from "./App.svelte";
import { applyTheme, storedTheme } from "./lib/theme";
import "./app.css";

// Before the first paint, so a stored dark choice never flashes light.
applyTheme(storedTheme());
const target = document.getElementById("app");
if (target) mount(App, { target });
