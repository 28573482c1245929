// Setting a scene on a running API, for every suite of the workspace. Starting the API is the
// host's (`@taskboard/server/testing`): this kit may not depend on it, because the API's own suites
// use the kit and turbo refuses a cycle in the package graph, devDependencies included.
export { registerUser, TEST_PASSWORD, uniqueEmail, type TestAccount } from './accounts';
export { addMember, createProject, projectWithRoles, type ProjectWithRoles } from './projects';
export { restCall } from './rest';
