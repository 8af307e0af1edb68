export { SkillsContent } from './SkillsContent';
