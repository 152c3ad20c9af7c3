// The tasks suite: manifest files and nodes whose names a shell would run as commands.
export const workspace = 'test/fixtures/tasks';
