export { LearningContent } from './LearningContent';
