import { page } from '../../shared/domain/fields.ts';
import { customerDataAdmins, customerDataWriters, everyone } from '../../shared/http/access.ts';
import { defineRoutes } from '../../shared/http/route.ts';
import { companyIdParams, companyResponse, companySearchQuery, createCompanyBody, updateCompanyBody } from './schemas.ts';

export const companyRoutes = defineRoutes('companies', {
  createCompany: {
    method: 'POST',
    path: '/companies',
    summary: 'Create a company (409 with the existing id when the domain is taken)',
    roles: customerDataWriters,
    body: createCompanyBody,
    response: companyResponse,
    status: 201,
    location: '/companies/{id}',
    conflict: 'the domain belongs to another company',
  },
  listCompanies: {
    method: 'GET',
    path: '/companies',
    summary: 'List companies, or find them by name prefix (q) or domain',
    roles: everyone,
    query: companySearchQuery,
    response: page(companyResponse),
  },
  getCompany: {
    method: 'GET',
    path: '/companies/{id}',
    summary: 'Get a company',
    roles: everyone,
    params: companyIdParams,
    response: companyResponse,
  },
  updateCompany: {
    method: 'PATCH',
    path: '/companies/{id}',
    summary: 'Change some fields of a company (If-Match for optimistic locking)',
    roles: customerDataWriters,
    params: companyIdParams,
    body: updateCompanyBody,
    response: companyResponse,
    conflict: 'the domain belongs to another company',
  },
  deleteCompany: {
    method: 'DELETE',
    path: '/companies/{id}',
    summary: 'Delete a company that has no contacts (409 otherwise)',
    roles: customerDataAdmins,
    params: companyIdParams,
    status: 204,
    conflict: 'the company still has contacts',
  },
});
