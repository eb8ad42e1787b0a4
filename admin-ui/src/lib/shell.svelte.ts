// State the shell shares with screens: the application name shown in the header (the
// Application settings screen updates it after saving).
export const shell = $state({ appName: "Cairn" });
