/** The environment variable that carries the started infrastructure to test workers. */
export const infraEnvVariable = 'CASCADE_TEST_INFRA';
