import * as z from 'zod';
import { id, listQuery, page } from '../../shared/domain/fields.ts';
import { everyone, publicRoute } from '../../shared/http/access.ts';
import { defineRoutes } from '../../shared/http/route.ts';
import { surveyAnswerBody, surveyPageParams, surveyPageQuery, surveySendView } from './schemas.ts';

export const surveyRoutes = defineRoutes('surveys', {
  showSurvey: {
    method: 'GET',
    path: '/s/{token}',
    summary: 'The survey page a signed email link opens (HTML, no login)',
    roles: publicRoute,
    params: surveyPageParams,
    query: surveyPageQuery,
    produces: 'text/html',
  },
  answerSurvey: {
    method: 'POST',
    path: '/s/{token}',
    summary: 'Record the one answer to a survey (HTML form post or JSON; answers with a page)',
    roles: publicRoute,
    params: surveyPageParams,
    body: surveyAnswerBody,
    accepts: 'form',
    produces: 'text/html',
    status: 200,
  },
  listContactSurveys: {
    method: 'GET',
    path: '/contacts/{id}/surveys',
    summary: "A contact's survey sends and their answers, newest first",
    roles: everyone,
    params: z.strictObject({ id }),
    query: listQuery,
    response: page(surveySendView),
  },
});
