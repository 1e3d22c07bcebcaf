// Loaded in <head> without defer so the stylesheet knows script runs before the first paint:
// the phone menu then starts closed behind its button instead of flashing open.
document.documentElement.classList.add("js");
