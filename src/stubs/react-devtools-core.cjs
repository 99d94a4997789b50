// Stand-in for react-devtools-core in the single-executable bundle (scripts/build-sea-bundle.mjs).
// Ink only loads devtools when DEV=true and the package is installed; the release binary never does.
'use strict';
module.exports = { initialize() {}, connectToDevTools() {} };
