export { checkDockerfile, finalCommand, parseDockerfile, stagesOf } from './dockerfile.ts';
